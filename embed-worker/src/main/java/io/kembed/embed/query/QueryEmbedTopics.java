package io.kembed.embed.query;

import java.util.Objects;

/**
 * Topics of query embedding over request/reply under one prefix.
 *
 * <ul>
 *   <li>{@code <prefix>.embed.queries}: requests keyed by request id, shared by every embed worker through one
 *       consumer group ({@link QueryEmbedServer.Config#DEFAULT_GROUP_ID}), so serving scales with partitions;</li>
 *   <li>{@code <prefix>.embed.query-replies.<clientId>}: one single-partition reply topic per client instance,
 *       created on demand by {@link QueryEmbedClient}, kept one hour ({@code retention.ms}).</li>
 * </ul>
 */
public record QueryEmbedTopics(String prefix) {

    public QueryEmbedTopics {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' has characters Kafka does not allow");
        }
    }

    public String requests() {
        return prefix + ".embed.queries";
    }

    /** @throws IllegalArgumentException if {@code clientId} has characters Kafka does not allow in topic names */
    public String replies(String clientId) {
        if (clientId == null || !clientId.matches("[a-zA-Z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("client id '" + clientId + "' must match [a-zA-Z0-9._-]{1,100}");
        }
        return prefix + ".embed.query-replies." + clientId;
    }
}

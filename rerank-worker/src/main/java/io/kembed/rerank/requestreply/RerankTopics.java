package io.kembed.rerank.requestreply;

import java.util.Objects;

/**
 * Topics of rerank request/reply under one prefix.
 *
 * <ul>
 *   <li>{@code <prefix>.rerank.requests}: requests keyed by request id, shared by every worker through one
 *       consumer group (partitions are the unit of parallelism);</li>
 *   <li>{@code <prefix>.rerank.replies.<clientId>}: one single-partition reply topic per client instance, created
 *       on demand by {@link RerankClient}. A topic per client (rather than a partition of a shared topic) lets
 *       clients come and go without coordinating partition numbers; the cost is one small topic per client,
 *       kept one hour ({@code retention.ms}).</li>
 * </ul>
 */
public record RerankTopics(String prefix) {

    public RerankTopics {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' has characters Kafka does not allow");
        }
    }

    public String requests() {
        return prefix + ".rerank.requests";
    }

    /** @throws IllegalArgumentException if {@code clientId} has characters Kafka does not allow in topic names */
    public String replies(String clientId) {
        if (!clientId.matches("[a-zA-Z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("client id '" + clientId + "' must match [a-zA-Z0-9._-]{1,100}");
        }
        return prefix + ".rerank.replies." + clientId;
    }
}

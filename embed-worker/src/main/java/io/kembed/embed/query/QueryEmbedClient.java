package io.kembed.embed.query;

import io.kembed.core.requestreply.ReplyTopics;
import io.kembed.core.requestreply.ReplyingClient;
import io.kembed.core.requestreply.RequestTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Embeds search queries over Kafka: sends {@link QueryEmbedRequest}s to {@code <prefix>.embed.queries} (key =
 * request id) and reads replies on its own single-partition topic {@code <prefix>.embed.query-replies.<clientId>},
 * created on demand ({@link QueryEmbedTopics}). Give every client instance its own {@code clientId}. Limits are
 * enforced by the server, which answers {@link QueryEmbedErrorCode#INVALID_REQUEST}. Thread-safe: any number of
 * threads may call {@link #embed} at once.
 *
 * <pre>{@code
 * try (QueryEmbedClient client = QueryEmbedClient.create("localhost:9092", new QueryEmbedTopics("kembed"),
 *         "search-1", Map.of())) {
 *     float[] vector = client.embedBlocking("offshore wind energy", Duration.ofSeconds(2)).vector();
 * }
 * }</pre>
 */
public final class QueryEmbedClient implements AutoCloseable {

    private final QueryEmbedTopics topics;
    private final String model;
    private final ReplyingClient client;

    private QueryEmbedClient(QueryEmbedTopics topics, String model, ReplyingClient client) {
        this.topics = topics;
        this.model = model;
        this.client = client;
    }

    /**
     * Creates the reply topic if missing and starts reading it; requests name no model (any served model).
     *
     * @param clientId unique per client instance, {@code [a-zA-Z0-9._-]{1,100}}
     * @param kafkaProperties passed to the Kafka clients untouched
     * @throws IllegalArgumentException if {@code clientId} is not a valid topic-name part
     * @throws IllegalStateException if the reply topic cannot be created
     */
    public static QueryEmbedClient create(String bootstrapServers, QueryEmbedTopics topics, String clientId,
            Map<String, Object> kafkaProperties) {
        return create(bootstrapServers, topics, clientId, null, kafkaProperties);
    }

    /**
     * As {@link #create(String, QueryEmbedTopics, String, Map)}, with every request naming {@code model}: servers
     * running another model answer {@link QueryEmbedErrorCode#MODEL_UNAVAILABLE} instead of a vector that would
     * not match the stored ones.
     *
     * @param model expected model id, or null for any
     */
    public static QueryEmbedClient create(String bootstrapServers, QueryEmbedTopics topics, String clientId,
            String model, Map<String, Object> kafkaProperties) {
        String replyTopic = topics.replies(clientId);
        Map<String, Object> adminProps = new HashMap<>(kafkaProperties);
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            ReplyTopics.ensure(admin, replyTopic, 1, (short) -1);
        }
        return new QueryEmbedClient(topics, model,
                new ReplyingClient(new ReplyingClient.Config(bootstrapServers, replyTopic, 0, kafkaProperties)));
    }

    /**
     * Embeds one query.
     *
     * @param query the search text (limits: {@link QueryEmbedRequest#MAX_TEXT_CHARS} chars,
     *     {@link QueryEmbedRequest#MAX_TEXT_BYTES} UTF-8 bytes, enforced by the server)
     * @param timeout how long to wait, {@code > 0}; also the request's deadline, after which servers drop it
     * @return completes with the embedding ({@code float[dims]}, unit length), or exceptionally with
     *     {@link QueryEmbedTimeoutException}, {@link QueryEmbedException} (with its {@link QueryEmbedErrorCode}),
     *     the send failure, or {@link IllegalStateException} if the client is closed first
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public CompletableFuture<QueryEmbedding> embed(String query, Duration timeout) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(timeout, "timeout");
        String requestId = UUID.randomUUID().toString();
        byte[] payload = QueryEmbedCodec.encode(new QueryEmbedRequest(query, model));
        CompletableFuture<QueryEmbedding> result = new CompletableFuture<>();
        client.request(topics.requests(), requestId.getBytes(StandardCharsets.UTF_8), payload, timeout)
                .whenComplete((bytes, e) -> {
                    if (e != null) {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        result.completeExceptionally(cause instanceof RequestTimeoutException
                                ? new QueryEmbedTimeoutException(timeout, cause) : cause);
                        return;
                    }
                    try {
                        QueryEmbedReply reply = QueryEmbedCodec.decodeReply(bytes);
                        if (reply.error() != null) {
                            result.completeExceptionally(
                                    new QueryEmbedException(reply.error().code(), reply.error().message()));
                        } else {
                            result.complete(new QueryEmbedding(reply.model(), reply.vector(), reply.tokens(),
                                    reply.truncated()));
                        }
                    } catch (RuntimeException decode) {
                        result.completeExceptionally(decode);
                    }
                });
        return result;
    }

    /**
     * Blocking {@link #embed}.
     *
     * @throws QueryEmbedTimeoutException no reply within {@code timeout}
     * @throws QueryEmbedException the server answered with an error
     * @throws IllegalStateException if interrupted (the flag is restored) or the client is closed
     */
    public QueryEmbedding embedBlocking(String query, Duration timeout) {
        return ReplyingClient.await(embed(query, timeout), "a query embedding");
    }

    /** Counters of the underlying request/reply client: sent, replied, timed out, late, send failures, pending. */
    public ReplyingClient.Counters counters() {
        return client.counters();
    }

    /** Fails every pending request with {@link IllegalStateException} and closes the Kafka clients. */
    @Override
    public void close() {
        client.close();
    }
}

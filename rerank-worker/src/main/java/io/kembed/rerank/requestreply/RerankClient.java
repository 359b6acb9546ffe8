package io.kembed.rerank.requestreply;

import io.kembed.core.requestreply.ReplyTopics;
import io.kembed.core.requestreply.ReplyingClient;
import io.kembed.core.requestreply.RequestTimeoutException;
import io.kembed.rerank.RerankResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Reranks over Kafka: sends {@link RerankRequest}s to {@code <prefix>.rerank.requests} (key = request id) and reads
 * replies on its own single-partition topic {@code <prefix>.rerank.replies.<clientId>}, created on demand (see
 * {@link RerankTopics}). Give every client instance its own {@code clientId}. Limits are enforced by the worker,
 * which answers {@link RerankErrorCode#INVALID_REQUEST}. Thread-safe.
 */
public final class RerankClient implements AutoCloseable {

    private final RerankTopics topics;
    private final ReplyingClient client;

    private RerankClient(RerankTopics topics, ReplyingClient client) {
        this.topics = topics;
        this.client = client;
    }

    /**
     * Creates the reply topic if missing and starts reading it.
     *
     * @param clientId unique per client instance, {@code [a-zA-Z0-9._-]{1,100}}
     * @param kafkaProperties passed to the Kafka clients untouched
     */
    public static RerankClient create(String bootstrapServers, RerankTopics topics, String clientId,
            Map<String, Object> kafkaProperties) {
        String replyTopic = topics.replies(clientId);
        Map<String, Object> adminProps = new HashMap<>(kafkaProperties);
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            ReplyTopics.ensure(admin, replyTopic, 1, (short) -1);
        }
        return new RerankClient(topics,
                new ReplyingClient(new ReplyingClient.Config(bootstrapServers, replyTopic, 0, kafkaProperties)));
    }

    /**
     * The whole reply (results, reranker id and kind, partial flag).
     *
     * @param timeout how long to wait; also the request's deadline
     * @return completes with the reply, or exceptionally with {@link RerankTimeoutException} or
     *     {@link RerankException} (with its {@link RerankErrorCode})
     */
    public CompletableFuture<RerankReply> request(String query, List<String> passages, int topN, Duration timeout) {
        Objects.requireNonNull(passages, "passages");
        String requestId = UUID.randomUUID().toString();
        byte[] payload = RerankCodec.encode(new RerankRequest(query, passages, topN));
        CompletableFuture<RerankReply> result = new CompletableFuture<>();
        client.request(topics.requests(), requestId.getBytes(StandardCharsets.UTF_8), payload, timeout)
                .whenComplete((bytes, e) -> {
                    if (e != null) {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        result.completeExceptionally(cause instanceof RequestTimeoutException
                                ? new RerankTimeoutException(timeout, cause) : cause);
                        return;
                    }
                    try {
                        RerankReply reply = RerankCodec.decodeReply(bytes);
                        if (reply.error() != null) {
                            result.completeExceptionally(
                                    new RerankException(reply.error().code(), reply.error().message()));
                        } else {
                            result.complete(reply);
                        }
                    } catch (RuntimeException decode) {
                        result.completeExceptionally(decode);
                    }
                });
        return result;
    }

    /** The best {@code topN} results, best first; see {@link #request} for the failures. */
    public CompletableFuture<List<RerankResult>> rerank(String query, List<String> passages, int topN,
            Duration timeout) {
        return request(query, passages, topN, timeout).thenApply(RerankReply::rerankResults);
    }

    /**
     * Blocking {@link #rerank}.
     *
     * @throws RerankTimeoutException no reply within {@code timeout}
     * @throws RerankException the worker answered with an error
     */
    public List<RerankResult> rerankBlocking(String query, List<String> passages, int topN, Duration timeout) {
        return ReplyingClient.await(rerank(query, passages, topN, timeout), "a rerank reply");
    }

    /** Counters of the underlying request/reply client (sent, replied, timed out, late, send failures). */
    public ReplyingClient.Counters counters() {
        return client.counters();
    }

    @Override
    public void close() {
        client.close();
    }
}

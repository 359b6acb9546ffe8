package io.kembed.search;

import io.kembed.rerank.Reranker;
import io.kembed.rerank.requestreply.RerankClient;
import io.kembed.rerank.requestreply.RerankReply;
import io.kembed.rerank.requestreply.RerankTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Reranks through the rerank workers over Kafka request/reply ({@link RerankClient}); the reply names the reranker
 * that scored (a cross-encoder or the labelled bi-encoder fallback). Thread-safe.
 */
public final class KafkaCandidateReranker implements CandidateReranker {

    private final RerankClient client;
    private final String label;
    private final boolean ownsClient;

    /**
     * @param client the request/reply client
     * @param label id shown when no reply names the reranker (a timeout or error), e.g. {@code kafka:kembed.rerank}
     * @param ownsClient whether {@link #close()} closes the client
     */
    public KafkaCandidateReranker(RerankClient client, String label, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.label = Objects.requireNonNull(label, "label");
        this.ownsClient = ownsClient;
    }

    @Override
    public String id() {
        return label;
    }

    @Override
    public Reranker.Kind kind() {
        return null;
    }

    @Override
    public Reranked rerank(String query, List<String> passages, int topN, Duration timeout) throws TimeoutException {
        try {
            RerankReply reply = client.request(query, passages, topN, timeout).get();
            return new Reranked(reply.rerankResults(), reply.rerankerId(), reply.kind(), reply.partial());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a rerank reply", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RerankTimeoutException t) {
                TimeoutException timeoutException = new TimeoutException(t.getMessage());
                timeoutException.initCause(t);
                throw timeoutException;
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}

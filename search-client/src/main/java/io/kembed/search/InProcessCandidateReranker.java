package io.kembed.search;

import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.RerankOutcome;
import io.kembed.rerank.Reranker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reranks in this JVM. A {@link CrossEncoder} gets the timeout as its deadline ({@link CrossEncoder#rerankWithin}:
 * it scores the best-ranked candidates that fit and answers {@code partial}); any other {@link Reranker} (the
 * bi-encoder fallback) runs on a worker thread that is waited on for at most the timeout, after which the search
 * falls back to vector order while the abandoned call finishes in the background (ONNX Runtime cannot be
 * interrupted). At most {@code maxConcurrent} such calls run at once, abandoned ones included, and none wait in a
 * queue: a call beyond that fails at once with {@link RejectedExecutionException} (the search answers in vector
 * order, {@link RerankStatus#FALLBACK_ERROR}) instead of piling work onto cores that are already behind.
 * Thread-safe.
 */
public final class InProcessCandidateReranker implements CandidateReranker {

    private final Reranker reranker;
    private final List<AutoCloseable> owned;
    private final ExecutorService executor;

    /**
     * @param reranker the reranker
     * @param ownsReranker whether {@link #close()} closes it
     */
    public InProcessCandidateReranker(Reranker reranker, boolean ownsReranker) {
        this(reranker, ownsReranker ? List.of(reranker) : List.of());
    }

    /**
     * @param reranker the reranker
     * @param closeWith what {@link #close()} closes, in order (for example the reranker, then the bi-encoder a
     *     {@link io.kembed.rerank.BiEncoderReranker} runs on, which it does not own)
     */
    public InProcessCandidateReranker(Reranker reranker, List<? extends AutoCloseable> closeWith) {
        this.reranker = Objects.requireNonNull(reranker, "reranker");
        this.owned = List.copyOf(closeWith);
        this.executor = new ThreadPoolExecutor(0, maxConcurrent(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "kembed-rerank-" + reranker.id());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Most in-process rerank calls at once: one per core (each ONNX Runtime call already uses the cores). */
    static int maxConcurrent() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public String id() {
        return reranker.id();
    }

    @Override
    public Reranker.Kind kind() {
        return reranker.kind();
    }

    @Override
    public Reranked rerank(String query, List<String> passages, int topN, Duration timeout) throws TimeoutException {
        if (reranker instanceof CrossEncoder cross) {
            RerankOutcome outcome = cross.rerankWithin(query, passages, topN, timeout.toMillis());
            return new Reranked(outcome.results(), id(), kind(), outcome.partial());
        }
        Future<Reranked> call = executor.submit( // RejectedExecutionException when maxConcurrent calls run
                () -> new Reranked(reranker.rerank(query, passages, topN), id(), kind(), false));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reranking", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            call.cancel(true);
            throw e;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        RuntimeException failure = null;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + c + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

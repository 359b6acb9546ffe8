package io.kembed.rerank.requestreply;

import io.kembed.core.requestreply.Reply;
import io.kembed.core.requestreply.Request;
import io.kembed.core.requestreply.RequestHandler;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.RerankJob;
import io.kembed.rerank.RerankOutcome;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RerankWorker}'s batch logic, without Kafka: decode, validate, budget, score, encode. With a
 * {@link CrossEncoder}, the valid requests of one poll are scored together in one inference run
 * ({@link CrossEncoder#rerankAll}); any other reranker scores them one after another.
 */
final class RerankHandler implements RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RerankHandler.class);

    private final Reranker reranker;
    private final int maxBatchPassages;
    private final Clock clock;
    private final LongConsumer latencyNanos;
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong expiredInBatch = new AtomicLong();
    private final AtomicLong partial = new AtomicLong();

    /** A valid request waiting to be scored, with its place among the poll's replies. */
    private record Pending(int slot, Request request, RerankRequest body) {
    }

    /**
     * @param latencyNanos told, for each successful reply, the time from the poll's batch reaching the handler to
     *     that reply being ready, ns
     */
    RerankHandler(Reranker reranker, int maxBatchPassages, Clock clock, LongConsumer latencyNanos) {
        this.reranker = reranker;
        this.maxBatchPassages = maxBatchPassages;
        this.clock = clock;
        this.latencyNanos = latencyNanos;
    }

    RerankWorker.Counters counters() {
        return new RerankWorker.Counters(scored.get(), invalid.get(), overloaded.get(), failed.get(),
                expiredInBatch.get(), partial.get());
    }

    @Override
    public List<Reply> handle(List<Request> requests) {
        long started = System.nanoTime();
        RerankReply[] replies = new RerankReply[requests.size()]; // null: dropped, nobody waits for it
        List<Pending> pending = new ArrayList<>();
        int budget = maxBatchPassages;
        for (int slot = 0; slot < requests.size(); slot++) {
            Request request = requests.get(slot);
            RerankRequest rr;
            try {
                rr = RerankCodec.decodeRequest(request.payload());
            } catch (RuntimeException e) { // whatever one request trips over must not fail its poll-mates
                replies[slot] = invalid(e.getMessage());
                continue;
            }
            String problem = rr.validate();
            if (problem != null) {
                replies[slot] = invalid(problem);
                continue;
            }
            if (rr.passages().size() > budget) {
                overloaded.incrementAndGet();
                replies[slot] = RerankReply.error(RerankErrorCode.OVERLOADED,
                        "batch budget of " + maxBatchPassages + " passages is full");
                continue;
            }
            if (request.expired(clock.millis())) {
                expiredInBatch.incrementAndGet();
                continue;
            }
            budget -= rr.passages().size();
            if (rr.passages().isEmpty()) {
                replies[slot] = ok(List.of(), false, started);
            } else {
                pending.add(new Pending(slot, request, rr));
            }
        }
        if (reranker instanceof CrossEncoder crossEncoder) {
            scoreTogether(crossEncoder, pending, replies, started);
        } else {
            scoreOneByOne(pending, replies, started);
        }
        List<Reply> out = new ArrayList<>(requests.size());
        for (int slot = 0; slot < replies.length; slot++) {
            if (replies[slot] != null) {
                out.add(requests.get(slot).reply(RerankCodec.encode(replies[slot])));
            }
        }
        return out;
    }

    /** One inference run for the whole poll; each request's budget is what is left of its deadline. */
    private void scoreTogether(CrossEncoder encoder, List<Pending> pending, RerankReply[] replies, long started) {
        if (pending.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<RerankJob> jobs = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            long budget = Math.max(0, p.request().remainingMs(now) - RerankWorker.REPLY_MARGIN_MS);
            jobs.add(new RerankJob(p.body().query(), p.body().passages(), p.body().topN(), budget));
        }
        List<RerankOutcome> outcomes;
        try {
            outcomes = encoder.rerankAll(jobs);
        } catch (RuntimeException e) {
            failed.addAndGet(pending.size());
            LOG.warn("reranker {} failed on {} requests", reranker.id(), pending.size(), e);
            for (Pending p : pending) {
                replies[p.slot()] = unavailable(e);
            }
            return;
        }
        long after = clock.millis();
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            if (p.request().expired(after)) {
                expiredInBatch.incrementAndGet(); // its deadline passed while the run went on
                continue;
            }
            replies[p.slot()] = ok(outcomes.get(i).results(), outcomes.get(i).partial(), started);
        }
    }

    private void scoreOneByOne(List<Pending> pending, RerankReply[] replies, long started) {
        for (Pending p : pending) {
            if (p.request().expired(clock.millis())) {
                expiredInBatch.incrementAndGet(); // its deadline passed while earlier requests were scored
                continue;
            }
            try {
                List<RerankResult> results = reranker.rerank(p.body().query(), p.body().passages(), p.body().topN());
                replies[p.slot()] = ok(results, false, started);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                LOG.warn("reranker {} failed", reranker.id(), e);
                replies[p.slot()] = unavailable(e);
            }
        }
    }

    private RerankReply ok(List<RerankResult> results, boolean isPartial, long started) {
        scored.incrementAndGet();
        if (isPartial) {
            partial.incrementAndGet();
        }
        latencyNanos.accept(System.nanoTime() - started);
        return RerankReply.ok(results, reranker, isPartial);
    }

    private RerankReply invalid(String problem) {
        invalid.incrementAndGet();
        LOG.debug("invalid rerank request: {}", problem);
        return RerankReply.error(RerankErrorCode.INVALID_REQUEST, problem);
    }

    private static RerankReply unavailable(RuntimeException e) {
        return RerankReply.error(RerankErrorCode.MODEL_UNAVAILABLE, String.valueOf(e.getMessage()));
    }

    @Override
    public byte[] failurePayload(Request request, RuntimeException failure) {
        failed.incrementAndGet();
        return RerankCodec.encode(RerankReply.error(RerankErrorCode.MODEL_UNAVAILABLE,
                String.valueOf(failure.getMessage())));
    }
}

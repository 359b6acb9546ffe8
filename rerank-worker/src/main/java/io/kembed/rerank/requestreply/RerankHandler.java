package io.kembed.rerank.requestreply;

import io.kembed.core.requestreply.Reply;
import io.kembed.core.requestreply.Request;
import io.kembed.core.requestreply.RequestHandler;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.RerankOutcome;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link RerankWorker}'s batch logic, without Kafka: decode, validate, budget, score, encode. */
final class RerankHandler implements RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RerankHandler.class);

    private final Reranker reranker;
    private final int maxBatchPassages;
    private final Clock clock;
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong expiredInBatch = new AtomicLong();

    RerankHandler(Reranker reranker, int maxBatchPassages, Clock clock) {
        this.reranker = reranker;
        this.maxBatchPassages = maxBatchPassages;
        this.clock = clock;
    }

    RerankWorker.Counters counters() {
        return new RerankWorker.Counters(scored.get(), invalid.get(), overloaded.get(), failed.get(),
                expiredInBatch.get());
    }


    @Override
    public List<Reply> handle(List<Request> requests) {
        List<Reply> replies = new ArrayList<>(requests.size());
        int budget = maxBatchPassages;
        for (Request request : requests) {
            RerankRequest rr;
            try {
                rr = RerankCodec.decodeRequest(request.payload());
            } catch (IllegalArgumentException e) {
                replies.add(reply(request, invalid(e.getMessage())));
                continue;
            }
            String problem = rr.validate();
            if (problem != null) {
                replies.add(reply(request, invalid(problem)));
                continue;
            }
            if (rr.passages().size() > budget) {
                overloaded.incrementAndGet();
                replies.add(reply(request, RerankReply.error(RerankErrorCode.OVERLOADED,
                        "batch budget of " + maxBatchPassages + " passages is full")));
                continue;
            }
            if (request.expired(clock.millis())) {
                expiredInBatch.incrementAndGet();
                continue; // nobody waits for it any more
            }
            budget -= rr.passages().size();
            replies.add(reply(request, score(rr, request)));
        }
        return replies;
    }

    private RerankReply invalid(String problem) {
        invalid.incrementAndGet();
        LOG.debug("invalid rerank request: {}", problem);
        return RerankReply.error(RerankErrorCode.INVALID_REQUEST, problem);
    }

    private RerankReply score(RerankRequest rr, Request request) {
        try {
            if (rr.passages().isEmpty()) {
                scored.incrementAndGet();
                return RerankReply.ok(List.of(), reranker, false);
            }
            if (reranker instanceof CrossEncoder crossEncoder) {
                long budget = Math.max(0, request.remainingMs(clock.millis()) - RerankWorker.REPLY_MARGIN_MS);
                RerankOutcome outcome = crossEncoder.rerankWithin(rr.query(), rr.passages(), rr.topN(), budget);
                scored.incrementAndGet();
                return RerankReply.ok(outcome.results(), reranker, outcome.partial());
            }
            List<RerankResult> results = reranker.rerank(rr.query(), rr.passages(), rr.topN());
            scored.incrementAndGet();
            return RerankReply.ok(results, reranker, false);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.warn("reranker {} failed", reranker.id(), e);
            return RerankReply.error(RerankErrorCode.MODEL_UNAVAILABLE, String.valueOf(e.getMessage()));
        }
    }

    private Reply reply(Request request, RerankReply reply) {
        return request.reply(RerankCodec.encode(reply));
    }

    @Override
    public byte[] failurePayload(Request request, RuntimeException failure) {
        failed.incrementAndGet();
        return RerankCodec.encode(RerankReply.error(RerankErrorCode.MODEL_UNAVAILABLE,
                String.valueOf(failure.getMessage())));
    }
}

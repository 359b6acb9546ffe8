package io.kembed.embed.query;

import io.kembed.core.requestreply.Reply;
import io.kembed.core.requestreply.Request;
import io.kembed.core.requestreply.RequestHandler;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.PassageEmbedding;
import io.kembed.embed.PriorityGate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link QueryEmbedServer}'s batch logic, without Kafka: decode, validate, budget, embed under an interactive
 * permit of the {@link PriorityGate}, encode. Replies keep arrival order.
 */
final class QueryEmbedHandler implements RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(QueryEmbedHandler.class);

    private final BiEncoder encoder;
    private final PriorityGate gate;
    private final int maxPollChars;
    private final Clock clock;
    private final QueryEmbedMetrics metrics;
    private final AtomicLong embedded = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong overloaded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong expiredInBatch = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();

    QueryEmbedHandler(BiEncoder encoder, PriorityGate gate, int maxPollChars, Clock clock,
            QueryEmbedMetrics metrics) {
        this.encoder = encoder;
        this.gate = gate;
        this.maxPollChars = maxPollChars;
        this.clock = clock;
        this.metrics = metrics;
    }

    QueryEmbedServer.Counters counters() {
        return new QueryEmbedServer.Counters(embedded.get(), invalid.get(), overloaded.get(), failed.get(),
                expiredInBatch.get(), truncated.get());
    }

    long expiredInBatch() {
        return expiredInBatch.get();
    }

    @Override
    public List<Reply> handle(List<Request> requests) {
        long start = System.nanoTime();
        try (PriorityGate.Permit permit = gate.interactive()) {
            QueryEmbedReply[] answers = new QueryEmbedReply[requests.size()];
            List<Integer> toEmbed = new ArrayList<>(requests.size());
            List<String> texts = new ArrayList<>(requests.size());
            int budget = maxPollChars;
            String served = encoder.spec().id();
            for (int i = 0; i < requests.size(); i++) {
                QueryEmbedRequest q;
                try {
                    q = QueryEmbedCodec.decodeRequest(requests.get(i).payload());
                } catch (RuntimeException e) { // whatever one request trips over must not fail its poll-mates
                    answers[i] = invalid(e.getMessage());
                    continue;
                }
                String problem = q.validate();
                if (problem != null) {
                    answers[i] = invalid(problem);
                    continue;
                }
                if (q.model() != null && !q.model().equals(served)) {
                    answers[i] = invalid(QueryEmbedErrorCode.MODEL_UNAVAILABLE,
                            "model " + q.model() + " is not served here; these servers run " + served);
                    continue;
                }
                if (q.text().length() > budget) {
                    overloaded.incrementAndGet();
                    metrics.overloaded();
                    answers[i] = QueryEmbedReply.error(QueryEmbedErrorCode.OVERLOADED,
                            "this poll's budget of " + maxPollChars + " query chars is full; retry");
                    continue;
                }
                budget -= q.text().length();
                toEmbed.add(i);
                texts.add(q.text());
            }
            dropExpired(requests, toEmbed, texts);
            if (!texts.isEmpty()) {
                embed(texts, toEmbed, answers);
            }
            long done = System.nanoTime();
            List<Reply> replies = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                if (answers[i] != null) {
                    replies.add(requests.get(i).reply(QueryEmbedCodec.encode(answers[i])));
                    metrics.latency(done - start);
                }
            }
            return replies;
        }
    }

    /** Drops requests whose deadline passed while earlier ones of the poll were decoded (nobody waits for them). */
    private void dropExpired(List<Request> requests, List<Integer> toEmbed, List<String> texts) {
        long now = clock.millis();
        for (int j = toEmbed.size() - 1; j >= 0; j--) {
            if (requests.get(toEmbed.get(j)).expired(now)) {
                expiredInBatch.incrementAndGet();
                toEmbed.remove(j);
                texts.remove(j);
            }
        }
    }

    private void embed(List<String> texts, List<Integer> toEmbed, QueryEmbedReply[] answers) {
        String model = encoder.spec().id();
        try {
            List<PassageEmbedding> vectors = encoder.embedQueries(texts);
            for (int j = 0; j < vectors.size(); j++) {
                PassageEmbedding v = vectors.get(j);
                answers[toEmbed.get(j)] = QueryEmbedReply.ok(model, v.vector(), v.tokens(), v.truncated());
                if (v.truncated()) {
                    truncated.incrementAndGet();
                }
            }
            embedded.addAndGet(vectors.size());
        } catch (RuntimeException e) {
            LOG.warn("query embedding with {} failed on {} queries", model, texts.size(), e);
            for (int i : toEmbed) {
                answers[i] = failure(e);
            }
        }
    }

    private QueryEmbedReply invalid(String problem) {
        return invalid(QueryEmbedErrorCode.INVALID_REQUEST, problem);
    }

    private QueryEmbedReply invalid(QueryEmbedErrorCode code, String problem) {
        invalid.incrementAndGet();
        metrics.invalid();
        LOG.debug("query embedding request refused ({}): {}", code, problem);
        return QueryEmbedReply.error(code, problem);
    }

    private QueryEmbedReply failure(RuntimeException e) {
        failed.incrementAndGet();
        metrics.failed();
        return QueryEmbedReply.error(QueryEmbedErrorCode.MODEL_UNAVAILABLE, String.valueOf(e.getMessage()));
    }

    @Override
    public byte[] failurePayload(Request request, RuntimeException failure) {
        return QueryEmbedCodec.encode(failure(failure));
    }
}

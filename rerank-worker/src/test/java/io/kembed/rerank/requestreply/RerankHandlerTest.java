package io.kembed.rerank.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kembed.core.requestreply.Reply;
import io.kembed.core.requestreply.Request;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.CrossEncoderOptions;
import io.kembed.rerank.CrossEncoderSpec;
import io.kembed.rerank.CrossEncoderSpec.Family;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RerankHandlerTest {

    private static final long NOW = 1_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    /** Scores passage i as -i (vector order is best) and throws on the query "explode". */
    private static final class Stub implements Reranker {
        final List<String> queries = new ArrayList<>();

        @Override
        public String id() {
            return "stub";
        }

        @Override
        public Kind kind() {
            return Kind.BI_ENCODER_FALLBACK;
        }

        @Override
        public List<RerankResult> rerank(String query, List<String> passages, int topN) {
            if (query.equals("explode")) {
                throw new IllegalStateException("session closed");
            }
            queries.add(query);
            List<RerankResult> out = new ArrayList<>();
            for (int i = 0; i < Math.min(topN, passages.size()); i++) {
                out.add(new RerankResult(i, -i));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    private static Request request(String id, long deadlineMs, RerankRequest body) {
        return new Request(id, "replies", 0, deadlineMs, null, RerankCodec.encode(body));
    }

    private static RerankReply decode(Reply reply) {
        return RerankCodec.decodeReply(reply.payload());
    }

    @Test
    void batch_isAnsweredPerRequest_withTypedErrors_andThePassageBudget() {
        Stub stub = new Stub();
        RerankHandler handler = new RerankHandler(stub, 100, CLOCK, nanos -> { });
        List<String> sixty = Collections.nCopies(60, "p");
        List<Request> batch = List.of(
                request("invalid", NOW + 1000, new RerankRequest("q", Collections.nCopies(101, "p"), 1)),
                request("first", NOW + 1000, new RerankRequest("first", sixty, 2)),
                request("over", NOW + 1000, new RerankRequest("over", sixty, 2)),
                request("small", NOW + 1000, new RerankRequest("small", List.of("a", "b"), 5)),
                request("broken", NOW + 1000, new RerankRequest("explode", List.of("a"), 1)),
                new Request("garbage", "replies", 0, NOW + 1000, null, "{".getBytes(StandardCharsets.UTF_8)));
        List<Reply> replies = handler.handle(batch);

        assertThat(replies).extracting(Reply::correlationId)
                .containsExactly("invalid", "first", "over", "small", "broken", "garbage");
        assertThat(decode(replies.get(0)).error().code()).isEqualTo(RerankErrorCode.INVALID_REQUEST);
        assertThat(decode(replies.get(1)).results()).extracting(RerankReply.Result::index).containsExactly(0, 1);
        assertThat(decode(replies.get(1)).rerankerId()).isEqualTo("stub");
        assertThat(decode(replies.get(2)).error().code()).isEqualTo(RerankErrorCode.OVERLOADED);
        assertThat(decode(replies.get(3)).results()).hasSize(2);
        assertThat(decode(replies.get(4)).error().code()).isEqualTo(RerankErrorCode.MODEL_UNAVAILABLE);
        assertThat(decode(replies.get(5)).error().code()).isEqualTo(RerankErrorCode.INVALID_REQUEST);
        assertThat(stub.queries).containsExactly("first", "small");
        assertThat(handler.counters()).isEqualTo(new RerankWorker.Counters(2, 2, 1, 1, 0, 0));
    }

    @Test
    void jsonNullRequest_isInvalid_andDoesNotFailItsPollMates() {
        Stub stub = new Stub();
        RerankHandler handler = new RerankHandler(stub, 100, CLOCK, nanos -> { });
        List<Reply> replies = handler.handle(List.of(
                new Request("null", "replies", 0, NOW + 1000, null, "null".getBytes(StandardCharsets.UTF_8)),
                request("good", NOW + 1000, new RerankRequest("good", List.of("a", "b"), 1))));
        assertThat(decode(replies.get(0)).error().code()).isEqualTo(RerankErrorCode.INVALID_REQUEST);
        assertThat(decode(replies.get(1)).error()).isNull();
        assertThat(decode(replies.get(1)).results()).hasSize(1);
        assertThat(stub.queries).containsExactly("good");
    }

    @Test
    void requestWhoseDeadlinePassed_isDroppedWithoutScoring() {
        Stub stub = new Stub();
        RerankHandler handler = new RerankHandler(stub, 100, CLOCK, nanos -> { });
        List<Reply> replies = handler.handle(List.of(
                request("gone", NOW, new RerankRequest("gone", List.of("a"), 1)),
                request("live", NOW + 1, new RerankRequest("live", List.of("a"), 1))));
        assertThat(replies).extracting(Reply::correlationId).containsExactly("live");
        assertThat(stub.queries).containsExactly("live");
        assertThat(handler.counters().expiredInBatch()).isEqualTo(1);
    }

    @Test
    void handlerFailure_becomesModelUnavailable() {
        RerankHandler handler = new RerankHandler(new Stub(), 100, CLOCK, nanos -> { });
        Request r = request("x", NOW + 1000, new RerankRequest("q", List.of("a"), 1));
        RerankReply reply = RerankCodec.decodeReply(handler.failurePayload(r, new IllegalStateException("oom")));
        assertThat(reply.error()).isEqualTo(new RerankReply.Error(RerankErrorCode.MODEL_UNAVAILABLE, "oom"));
    }

    @Test
    void crossEncoder_requestsOfOnePoll_areScoredInOneOnnxRun_withTheScoresOfScoringEachAlone() {
        Path tiny = Path.of("src", "test", "resources", "cross-encoder-tiny").toAbsolutePath();
        CrossEncoderOptions options = CrossEncoderOptions.defaults()
                .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath());
        List<RerankRequest> bodies = List.of(
                new RerankRequest("what is the capital of france?",
                        List.of("paris is the capital of france.", "kafka is a stream processing platform."), 2),
                new RerankRequest("how do embeddings work?", List.of("vectors represent text meaning.",
                        "cats are small domestic animals.", "a cross encoder reads query and passage together."), 3),
                new RerankRequest("offshore wind energy", List.of("rain falls from clouds.",
                        "offshore wind farms produce electricity for millions of homes."), 1));
        List<Long> latencies = new ArrayList<>();
        try (CrossEncoder encoder = CrossEncoder.load(CrossEncoderSpec.local("tiny", Family.BERT, 64, tiny),
                options)) {
            RerankHandler handler = new RerankHandler(encoder, 100, CLOCK, latencies::add);
            List<Request> batch = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                batch.add(request("r" + i, NOW + 60_000, bodies.get(i)));
            }
            List<Reply> replies = handler.handle(batch);
            assertThat(encoder.batchesRun()).as("7 pairs of 3 requests in one ONNX Runtime run").isEqualTo(1);
            assertThat(replies).extracting(Reply::correlationId).containsExactly("r0", "r1", "r2");
            assertThat(latencies).hasSize(3).allMatch(nanos -> nanos > 0);
            for (int i = 0; i < bodies.size(); i++) {
                RerankRequest body = bodies.get(i);
                RerankReply reply = decode(replies.get(i));
                assertThat(reply.partial()).isFalse();
                assertThat(reply.kind()).isEqualTo(Reranker.Kind.CROSS_ENCODER);
                List<RerankResult> alone = encoder.rerank(body.query(), body.passages(), body.topN());
                assertThat(reply.results()).extracting(RerankReply.Result::index)
                        .containsExactlyElementsOf(alone.stream().map(RerankResult::index).toList());
                for (int r = 0; r < alone.size(); r++) {
                    assertThat(reply.results().get(r).score()).isCloseTo(alone.get(r).score(), within(1e-5f));
                }
            }
            assertThat(handler.counters()).isEqualTo(new RerankWorker.Counters(3, 0, 0, 0, 0, 0));
        }
    }
}

package io.kembed.rerank.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.Reranker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rerank request/reply on a real KRaft broker with the real bi-encoder fallback (all-MiniLM-L6-v2 int8). */
class RerankRequestReplyIT {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final List<String> PASSAGES = List.of(
            "The committee sets interest rates for the euro area.",
            "Kafka partitions let consumer groups share the work of a topic.",
            "Tomatoes grow best in warm, sunny weather.");
    private static final String KAFKA_QUERY = "how do consumer groups divide a Kafka topic";

    private static EmbeddedKafka kafka;
    private static BiEncoder encoder;
    private static Reranker reranker;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        var spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec,
                BiEncoderOptions.forWorker(spec).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        reranker = new BiEncoderReranker(encoder);
    }

    @AfterAll
    static void stop() {
        reranker.close();
        encoder.close();
        kafka.close();
    }

    private static RerankWorker worker(RerankTopics topics) {
        return RerankWorker.start(RerankWorker.Config.defaults(kafka.bootstrapServers(), topics), reranker);
    }

    private static RerankClient client(RerankTopics topics, String id) {
        return RerankClient.create(kafka.bootstrapServers(), topics, id, Map.of());
    }

    @Test
    void roundTrip_returnsTheRelevantPassageFirst_labelledAsFallback() {
        RerankTopics topics = new RerankTopics("rt");
        try (RerankWorker w = worker(topics); RerankClient c = client(topics, "c1")) {
            RerankReply reply = c.request(KAFKA_QUERY, PASSAGES, 2, LONG).join();
            assertThat(reply.results()).hasSize(2);
            assertThat(reply.results().get(0).index()).isEqualTo(1);
            assertThat(reply.kind()).isEqualTo(Reranker.Kind.BI_ENCODER_FALLBACK);
            assertThat(reply.rerankerId()).isEqualTo("bi-encoder:all-minilm-l6-v2-q");
            assertThat(reply.partial()).isFalse();
            List<RerankResult> blocking = c.rerankBlocking("what grows in sunny weather", PASSAGES, 1, LONG);
            assertThat(blocking).extracting(RerankResult::index).containsExactly(2);
            assertThat(w.counters().scored()).isEqualTo(2);
        }
    }

    @Test
    void twoClientsAndTwoWorkers_answerEveryRequestOnce_toTheRightClient() throws Exception {
        RerankTopics topics = new RerankTopics("multi");
        try (RerankWorker w1 = worker(topics); RerankWorker w2 = worker(topics);
                RerankClient a = client(topics, "a"); RerankClient b = client(topics, "b")) {
            waitFor(() -> !w1.assignment().isEmpty() && !w2.assignment().isEmpty()
                    && w1.assignment().size() + w2.assignment().size() == 4);
            List<String> queries = List.of(KAFKA_QUERY, "what grows in sunny weather", "who sets euro interest rates");
            List<Integer> expected = List.of(1, 2, 0);
            List<CompletableFuture<List<RerankResult>>> fa = new ArrayList<>();
            List<CompletableFuture<List<RerankResult>>> fb = new ArrayList<>();
            int perClient = 12;
            for (int i = 0; i < perClient; i++) {
                fa.add(a.rerank(queries.get(i % 3), PASSAGES, 1, LONG));
                fb.add(b.rerank(queries.get((i + 1) % 3), PASSAGES, 1, LONG));
            }
            for (int i = 0; i < perClient; i++) {
                assertThat(fa.get(i).get(60, TimeUnit.SECONDS).get(0).index()).isEqualTo(expected.get(i % 3));
                assertThat(fb.get(i).get(60, TimeUnit.SECONDS).get(0).index()).isEqualTo(expected.get((i + 1) % 3));
            }
            for (RerankClient c : List.of(a, b)) {
                assertThat(c.counters().replied()).isEqualTo(perClient);
                assertThat(c.counters().late()).as("no duplicate or misrouted replies").isZero();
                assertThat(c.counters().timedOut()).isZero();
            }
            assertThat(w1.counters().scored() + w2.counters().scored()).isEqualTo(2L * perClient);
        }
    }

    @Test
    void requestPastItsDeadline_isDropped_andTheClientTimesOutWithTheTypedException() throws Exception {
        RerankTopics topics = new RerankTopics("late");
        try (RerankWorker w = worker(topics); RerankClient c = client(topics, "c1")) {
            c.rerankBlocking(KAFKA_QUERY, PASSAGES, 1, LONG); // the worker is in its group
            assertThatThrownBy(() -> c.rerankBlocking(KAFKA_QUERY, PASSAGES, 1, Duration.ofMillis(1)))
                    .isInstanceOf(RerankTimeoutException.class);
            waitFor(() -> w.serverCounters().expired() + w.counters().expiredInBatch() == 1);
            assertThat(w.counters().scored()).isEqualTo(1);
            assertThat(c.counters().late()).isZero();
        }
    }

    @Test
    void invalidRequests_getInvalidRequest_andTheWorkerKeepsServing() {
        RerankTopics topics = new RerankTopics("invalid");
        try (RerankWorker w = worker(topics); RerankClient c = client(topics, "c1")) {
            List<String> tooMany = Collections.nCopies(RerankRequest.MAX_PASSAGES + 1, "a passage");
            assertThatThrownBy(() -> c.rerankBlocking(KAFKA_QUERY, tooMany, 1, LONG))
                    .isInstanceOfSatisfying(RerankException.class,
                            e -> assertThat(e.code()).isEqualTo(RerankErrorCode.INVALID_REQUEST))
                    .hasMessageContaining("101 passages");
            assertThatThrownBy(() -> c.rerankBlocking("", PASSAGES, 1, LONG))
                    .isInstanceOfSatisfying(RerankException.class,
                            e -> assertThat(e.code()).isEqualTo(RerankErrorCode.INVALID_REQUEST));
            assertThat(c.rerankBlocking(KAFKA_QUERY, PASSAGES, 1, LONG).get(0).index()).isEqualTo(1);
            assertThat(w.counters().invalid()).isEqualTo(2);
        }
    }

    @Test
    void stoppingTheOnlyWorker_makesInFlightRequestsTimeOut_andARestartedWorkerServesNewOnes() throws Exception {
        RerankTopics topics = new RerankTopics("restart");
        try (RerankClient c = client(topics, "c1")) {
            RerankWorker first = worker(topics);
            c.rerankBlocking(KAFKA_QUERY, PASSAGES, 1, LONG);
            first.close();
            List<CompletableFuture<List<RerankResult>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(c.rerank(KAFKA_QUERY, PASSAGES, 1, Duration.ofMillis(1_500)));
            }
            for (CompletableFuture<List<RerankResult>> f : inFlight) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(RerankTimeoutException.class);
            }
            assertThat(c.counters().pending()).isZero();
            try (RerankWorker second = worker(topics)) {
                assertThat(c.rerankBlocking(KAFKA_QUERY, PASSAGES, 1, LONG).get(0).index()).isEqualTo(1);
                // the three left-over requests are read by the new worker but their deadlines have passed
                waitFor(() -> second.serverCounters().expired() == 3);
                assertThat(second.counters().scored()).isEqualTo(1);
                assertThat(c.counters().late()).isZero();
            }
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }
}

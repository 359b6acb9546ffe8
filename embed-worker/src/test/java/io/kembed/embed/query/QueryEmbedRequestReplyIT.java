package io.kembed.embed.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.requestreply.ReplyTopics;
import io.kembed.core.requestreply.ReplyingClient;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.PriorityGate;
import io.kembed.embed.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Query embedding over request/reply on a real KRaft broker with the real default model (bge-small-en-v1.5 int8). */
class QueryEmbedRequestReplyIT {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final List<String> QUERIES = List.of("offshore wind energy", "how do consumer groups share a topic",
            "agricultural subsidies in the EU", "Wer vertritt die Automobilindustrie?", "tobacco lobbying");

    private static EmbeddedKafka kafka;
    private static BiEncoder encoder;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        ModelSpec spec = ModelRegistry.get("bge-small-en-v1.5-q");
        encoder = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec).withCacheDir(TestModels.CACHE_DIR));
    }

    @AfterAll
    static void stop() {
        encoder.close();
        kafka.close();
    }

    private static QueryEmbedServer server(QueryEmbedTopics topics, SimpleMeterRegistry registry) {
        return QueryEmbedServer.start(QueryEmbedServer.Config.defaults(kafka.bootstrapServers(), topics), encoder,
                PriorityGate.create(), registry);
    }

    private static QueryEmbedClient client(QueryEmbedTopics topics, String id) {
        return QueryEmbedClient.create(kafka.bootstrapServers(), topics, id, Map.of());
    }

    private static void assertSameVector(float[] got, float[] expected) {
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(got[i]).as("component %d", i).isCloseTo(expected[i], within(1e-6f));
        }
    }

    @Test
    void vector_equalsEmbedQuery_withTokenCountAndTruncationFlag() {
        QueryEmbedTopics topics = new QueryEmbedTopics("parity");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (QueryEmbedServer s = server(topics, registry); QueryEmbedClient c = client(topics, "c1")) {
            String text = QUERIES.get(0);
            QueryEmbedding e = c.embedBlocking(text, LONG);
            assertThat(e.model()).isEqualTo("bge-small-en-v1.5-q");
            assertThat(e.dims()).isEqualTo(384);
            assertSameVector(e.vector(), encoder.embedQuery(text));
            assertThat(e.tokens()).isEqualTo(encoder.countTokens(encoder.spec().queryPrefix() + text));
            assertThat(e.truncated()).isFalse();

            String longQuery = "a ".repeat(QueryEmbedRequest.MAX_TEXT_CHARS / 2); // 1,024 one-token words
            QueryEmbedding cut = c.embedBlocking(longQuery, LONG);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.tokens()).isEqualTo(encoder.spec().maxTokens());
            assertSameVector(cut.vector(), encoder.embedQuery(longQuery));

            assertThat(s.counters().embedded()).isEqualTo(2);
            assertThat(s.counters().truncated()).isEqualTo(1);
            assertThat(registry.get("kembed.query_embed.latency").timer().count()).isEqualTo(2);
        }
    }

    @Test
    void queriesSentTogether_eachGetTheirOwnVector() throws Exception {
        QueryEmbedTopics topics = new QueryEmbedTopics("together");
        try (QueryEmbedServer s = server(topics, new SimpleMeterRegistry()); QueryEmbedClient c = client(topics, "c1")) {
            c.embedBlocking("warm-up", LONG);
            List<CompletableFuture<QueryEmbedding>> futures = new ArrayList<>();
            for (String q : QUERIES) {
                futures.add(c.embed(q, LONG));
            }
            for (int i = 0; i < QUERIES.size(); i++) {
                assertSameVector(futures.get(i).get(60, TimeUnit.SECONDS).vector(), encoder.embedQuery(QUERIES.get(i)));
            }
            assertThat(c.counters().late()).isZero();
        }
    }

    @Test
    void twoClientsAndTwoServers_answerEveryRequestOnce_toTheRightClient() throws Exception {
        QueryEmbedTopics topics = new QueryEmbedTopics("multi");
        try (QueryEmbedServer s1 = server(topics, new SimpleMeterRegistry());
                QueryEmbedServer s2 = server(topics, new SimpleMeterRegistry());
                QueryEmbedClient a = client(topics, "a"); QueryEmbedClient b = client(topics, "b")) {
            waitFor(() -> !s1.assignment().isEmpty() && !s2.assignment().isEmpty()
                    && s1.assignment().size() + s2.assignment().size() == 4);
            int perClient = 12;
            List<CompletableFuture<QueryEmbedding>> fa = new ArrayList<>();
            List<CompletableFuture<QueryEmbedding>> fb = new ArrayList<>();
            for (int i = 0; i < perClient; i++) {
                fa.add(a.embed(QUERIES.get(i % QUERIES.size()), LONG));
                fb.add(b.embed(QUERIES.get((i + 1) % QUERIES.size()), LONG));
            }
            for (int i = 0; i < perClient; i++) {
                assertSameVector(fa.get(i).get(60, TimeUnit.SECONDS).vector(),
                        encoder.embedQuery(QUERIES.get(i % QUERIES.size())));
                assertSameVector(fb.get(i).get(60, TimeUnit.SECONDS).vector(),
                        encoder.embedQuery(QUERIES.get((i + 1) % QUERIES.size())));
            }
            for (QueryEmbedClient c : List.of(a, b)) {
                assertThat(c.counters().replied()).isEqualTo(perClient);
                assertThat(c.counters().late()).as("no duplicate or misrouted replies").isZero();
                assertThat(c.counters().timedOut()).isZero();
            }
            assertThat(s1.counters().embedded() + s2.counters().embedded()).isEqualTo(2L * perClient);
        }
    }

    @Test
    void badRequests_getTypedErrors_andTheServerKeepsServing() throws Exception {
        QueryEmbedTopics topics = new QueryEmbedTopics("bad");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (QueryEmbedServer s = server(topics, registry); QueryEmbedClient c = client(topics, "c1");
                QueryEmbedClient wrongModel = QueryEmbedClient.create(kafka.bootstrapServers(), topics, "c2",
                        "e5-small-v2-q", Map.of())) {
            assertThatThrownBy(() -> c.embedBlocking(" ", LONG))
                    .isInstanceOfSatisfying(QueryEmbedException.class,
                            e -> assertThat(e.code()).isEqualTo(QueryEmbedErrorCode.INVALID_REQUEST));
            assertThatThrownBy(() -> c.embedBlocking("x".repeat(QueryEmbedRequest.MAX_TEXT_CHARS + 1), LONG))
                    .isInstanceOfSatisfying(QueryEmbedException.class,
                            e -> assertThat(e.code()).isEqualTo(QueryEmbedErrorCode.INVALID_REQUEST))
                    .hasMessageContaining("2049 chars");
            assertThatThrownBy(() -> wrongModel.embedBlocking("wind", LONG))
                    .isInstanceOfSatisfying(QueryEmbedException.class,
                            e -> assertThat(e.code()).isEqualTo(QueryEmbedErrorCode.MODEL_UNAVAILABLE))
                    .hasMessageContaining("bge-small-en-v1.5-q");
            // Not JSON at all, sent with the raw request/reply client.
            String rawReplies = topics.replies("raw");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                ReplyTopics.ensure(admin, rawReplies, 1, (short) -1);
            }
            try (ReplyingClient raw = new ReplyingClient(new ReplyingClient.Config(kafka.bootstrapServers(),
                    rawReplies, 0, Map.of()))) {
                byte[] reply = raw.request(topics.requests(), null, "{not json".getBytes(StandardCharsets.UTF_8), LONG)
                        .get(60, TimeUnit.SECONDS);
                assertThat(QueryEmbedCodec.decodeReply(reply).error().code())
                        .isEqualTo(QueryEmbedErrorCode.INVALID_REQUEST);
            }
            assertSameVector(c.embedBlocking("wind", LONG).vector(), encoder.embedQuery("wind"));
            assertThat(s.counters().invalid()).isEqualTo(4);
            assertThat(s.counters().embedded()).isEqualTo(1);
            assertThat(registry.get("kembed.query_embed.invalid").counter().count()).isEqualTo(4);
        }
    }

    @Test
    void requestPastItsDeadline_isDropped_counted_andTheClientTimesOutWithTheTypedException() throws Exception {
        QueryEmbedTopics topics = new QueryEmbedTopics("late");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (QueryEmbedServer s = server(topics, registry); QueryEmbedClient c = client(topics, "c1")) {
            c.embedBlocking("warm-up", LONG); // the server is in its group
            assertThatThrownBy(() -> c.embedBlocking("wind", Duration.ofMillis(1)))
                    .isInstanceOf(QueryEmbedTimeoutException.class);
            waitFor(() -> s.serverCounters().expired() + s.counters().expiredInBatch() == 1);
            assertThat(registry.get("kembed.query_embed.expired").functionCounter().count()).isEqualTo(1);
            assertThat(s.counters().embedded()).isEqualTo(1);
        }
    }

    @Test
    void serverRestart_makesInFlightRequestsTimeOutCleanly_andTheNewServerAnswersNewOnes() throws Exception {
        QueryEmbedTopics topics = new QueryEmbedTopics("restart");
        try (QueryEmbedClient c = client(topics, "c1")) {
            QueryEmbedServer first = server(topics, new SimpleMeterRegistry());
            c.embedBlocking("warm-up", LONG);
            first.close();
            List<CompletableFuture<QueryEmbedding>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(c.embed(QUERIES.get(i), Duration.ofMillis(1_500)));
            }
            for (CompletableFuture<QueryEmbedding> f : inFlight) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(QueryEmbedTimeoutException.class);
            }
            assertThat(c.counters().pending()).isZero();
            try (QueryEmbedServer second = server(topics, new SimpleMeterRegistry())) {
                assertSameVector(c.embedBlocking("wind", LONG).vector(), encoder.embedQuery("wind"));
                // the three left-over requests are read by the new server, past their deadlines
                waitFor(() -> second.serverCounters().expired() + second.counters().expiredInBatch() == 3);
                assertThat(second.counters().embedded()).isEqualTo(1);
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

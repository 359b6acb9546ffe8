package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kembed.app.reliability.BadRequests.Payload;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.requestreply.ReplyingClient;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.PriorityGate;
import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedServer;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.requestreply.RerankClient;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchResult;
import io.kembed.sink.VectorStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The bad-input suite's request side on a real KRaft broker with the real all-MiniLM-L6-v2 int8 model: raw
 * malformed and edge-case payloads ({@link BadRequests}) on the rerank and query-embedding request topics, each
 * followed by a valid request, and records with broken request/reply headers; then {@code SearchClient.search}
 * with bad arguments. Every request gets its typed answer, no server dies, and good requests keep being answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestSuiteIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Path work;
    private EmbeddedKafka kafka;
    private BiEncoder encoder;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-bad-requests-it");
        kafka = EmbeddedKafka.start();
        var spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec,
                BiEncoderOptions.forWorker(spec).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        org.apache.kafka.common.utils.Utils.delete(work.toFile());
    }

    private ReplyingClient rawClient(String replyTopic) throws Exception {
        admin.createTopics(List.of(new NewTopic(replyTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        return new ReplyingClient(new ReplyingClient.Config(kafka.bootstrapServers(), replyTopic, 0, Map.of()));
    }

    /** Outcome of one raw request: the error code of its reply, or OK for an answer. */
    private static String outcome(byte[] reply) throws Exception {
        JsonNode n = ChangeEventCodec.mapper().readTree(reply);
        JsonNode error = n.get("error");
        return error == null || error.isNull() ? BadRequests.OK : error.path("code").asText();
    }

    /**
     * Sends every payload, each followed by a valid one, all at once (so bad and good requests share polls), and
     * checks every reply; then records with broken headers, which cannot be answered and must only be counted.
     *
     * @return bad payloads by expected outcome
     */
    private Map<String, Integer> exercise(ReplyingClient client, String requestsTopic, List<Payload> payloads,
            byte[] valid, List<String> wrong) throws Exception {
        List<CompletableFuture<byte[]>> bad = new ArrayList<>();
        List<CompletableFuture<byte[]>> good = new ArrayList<>();
        for (Payload p : payloads) {
            bad.add(client.request(requestsTopic, null, p.value(), TIMEOUT));
            good.add(client.request(requestsTopic, null, valid, TIMEOUT));
        }
        Map<String, Integer> byOutcome = new TreeMap<>();
        for (int i = 0; i < payloads.size(); i++) {
            Payload p = payloads.get(i);
            String got = outcome(bad.get(i).get(60, TimeUnit.SECONDS));
            if (!p.expect().equals(got)) {
                wrong.add(p.name() + ": expected " + p.expect() + ", got " + got);
            }
            byOutcome.merge(p.expect(), 1, Integer::sum);
            String neighbour = outcome(good.get(i).get(60, TimeUnit.SECONDS));
            if (!BadRequests.OK.equals(neighbour)) {
                wrong.add("valid request after '" + p.name() + "': got " + neighbour);
            }
        }
        return byOutcome;
    }

    /** Request records whose headers are missing or broken: never answered, counted as malformed. */
    private int sendBrokenHeaders(String requestsTopic, byte[] valid) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            records.add(new ProducerRecord<>(requestsTopic, null, valid)); // no headers at all
            ProducerRecord<byte[], byte[]> noReplyTo = new ProducerRecord<>(requestsTopic, null, valid);
            noReplyTo.headers().add("kembed.correlation-id", "c1".getBytes(StandardCharsets.UTF_8))
                    .add("kembed.deadline-ms", java.nio.ByteBuffer.allocate(8)
                            .putLong(System.currentTimeMillis() + 60_000).array());
            records.add(noReplyTo);
            ProducerRecord<byte[], byte[]> shortDeadline = new ProducerRecord<>(requestsTopic, null, valid);
            shortDeadline.headers().add("kembed.correlation-id", "c2".getBytes(StandardCharsets.UTF_8))
                    .add("kembed.reply-to", "nowhere".getBytes(StandardCharsets.UTF_8))
                    .add("kembed.deadline-ms", new byte[] {1, 2, 3});
            records.add(shortDeadline);
            ProducerRecord<byte[], byte[]> noCorrelation = new ProducerRecord<>(requestsTopic, null, valid);
            noCorrelation.headers().add("kembed.reply-to", "nowhere".getBytes(StandardCharsets.UTF_8))
                    .add("kembed.deadline-ms", java.nio.ByteBuffer.allocate(8)
                            .putLong(System.currentTimeMillis() + 60_000).array());
            records.add(noCorrelation);
            for (ProducerRecord<byte[], byte[]> r : records) {
                p.send(r).get(30, TimeUnit.SECONDS);
                sent++;
            }
        }
        return sent;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Test
    void malformedRerankRequests_getTypedErrors_andTheWorkerKeepsServing() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.rerank-requests", "Bad input",
                "Malformed and edge-case rerank requests on the requests topic, each followed by a valid one");
        RerankTopics topics = new RerankTopics("bad-rr");
        try (BiEncoderReranker reranker = new BiEncoderReranker(encoder);
                RerankWorker worker = RerankWorker.start(RerankWorker.Config.defaults(kafka.bootstrapServers(),
                        topics), reranker);
                ReplyingClient raw = rawClient("bad-rr.raw-replies")) {
            List<Payload> payloads = BadRequests.rerank();
            byte[] valid = ChangeEventCodec.mapper().writeValueAsBytes(BadRequests.rerankRequest("kafka", 3, 1));
            List<String> wrong = new ArrayList<>();
            Map<String, Integer> byOutcome = exercise(raw, topics.requests(), payloads, valid, wrong);
            assertThat(wrong).as("requests whose reply differs from the expected one").isEmpty();
            long malformedBefore = worker.serverCounters().malformed();
            int broken = sendBrokenHeaders(topics.requests(), valid);
            awaitTrue(() -> worker.serverCounters().malformed() - malformedBefore == broken);
            assertThat(worker.serverCounters().malformed() - malformedBefore).isEqualTo(broken);
            assertThat(worker.isAlive()).isTrue();
            try (RerankClient client = RerankClient.create(kafka.bootstrapServers(), topics, "after", Map.of())) {
                List<RerankResult> after = client.rerankBlocking("tomatoes in the sun", List.of(
                        "Kafka partitions and consumer groups.", "Tomatoes grow best in warm, sunny weather."), 1,
                        TIMEOUT);
                assertThat(after).extracting(RerankResult::index).containsExactly(1);
            }
            report.events(2L * payloads.size() + broken).figure("bad or edge-case requests", payloads.size())
                    .figure("expected replies", byOutcome.toString().replace("=", ": "))
                    .figure("valid neighbours answered", payloads.size() + "/" + payloads.size())
                    .figure("records with broken headers counted, not answered", broken)
                    .figure("worker alive", worker.isAlive()).passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }

    @Test
    void malformedQueryEmbedRequests_getTypedErrors_andTheServerKeepsServing() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.query-embed-requests", "Bad input",
                "Malformed and edge-case query-embedding requests on the requests topic, each followed by a valid one");
        QueryEmbedTopics topics = new QueryEmbedTopics("bad-qe");
        try (QueryEmbedServer server = QueryEmbedServer.start(QueryEmbedServer.Config.defaults(
                        kafka.bootstrapServers(), topics), encoder, PriorityGate.disabled(), null);
                ReplyingClient raw = rawClient("bad-qe.raw-replies")) {
            List<Payload> payloads = BadRequests.queryEmbed(encoder.spec().id());
            byte[] valid = "{\"text\":\"offshore wind energy\"}".getBytes(StandardCharsets.UTF_8);
            List<String> wrong = new ArrayList<>();
            Map<String, Integer> byOutcome = exercise(raw, topics.requests(), payloads, valid, wrong);
            assertThat(wrong).as("requests whose reply differs from the expected one").isEmpty();
            long malformedBefore = server.serverCounters().malformed();
            int broken = sendBrokenHeaders(topics.requests(), valid);
            awaitTrue(() -> server.serverCounters().malformed() - malformedBefore == broken);
            assertThat(server.serverCounters().malformed() - malformedBefore).isEqualTo(broken);
            try (QueryEmbedClient client = QueryEmbedClient.create(kafka.bootstrapServers(), topics, "after",
                    Map.of())) {
                float[] v = client.embedBlocking("offshore wind energy", TIMEOUT).vector();
                assertThat(v).containsExactly(encoder.embedQuery("offshore wind energy"));
            }
            report.events(2L * payloads.size() + broken).figure("bad or edge-case requests", payloads.size())
                    .figure("expected replies", byOutcome.toString().replace("=", ": "))
                    .figure("valid neighbours answered", payloads.size() + "/" + payloads.size())
                    .figure("records with broken headers counted, not answered", broken).passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }

    @Test
    void badSearchArguments_throwTypedErrors_andTheClientKeepsAnswering() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.search-arguments", "Bad input",
                "SearchClient.search with null, blank, huge or control-character arguments and out-of-range k");
        try (VectorStore store = VectorStores.lucene(work.resolve("lucene"), "bad-search", encoder.spec().dims());
                SearchClient client = SearchClient.builder(store, new BiEncoderQueryEmbedder(encoder)).build()) {
            store.upsert(List.of(new VectorPoint(EntityKey.document("acme", "wind"), 0, 1, encoder.spec().id(),
                    encoder.embedPassages(List.of("Offshore wind farms in the North Sea.")).get(0).vector(),
                    "Wind", "Offshore wind farms in the North Sea.")));
            store.flush();
            record Bad(String name, String tenant, String query, int k, Class<? extends Throwable> expected) {
            }
            List<Bad> cases = new ArrayList<>();
            for (String tenant : new String[] {null, "", "  ", "a\u0000b", "a\nb", "x".repeat(257)}) {
                cases.add(new Bad("tenant " + (tenant == null ? "null" : tenant.length() + " chars"), tenant, "wind", 5,
                        tenant == null ? NullPointerException.class : IllegalArgumentException.class));
            }
            for (String query : new String[] {null, "", " \t\n", "\u3000", "q".repeat(SearchClient.MAX_QUERY_CHARS + 1),
                "w".repeat(10 * 1024 * 1024)}) {
                cases.add(new Bad("query " + (query == null ? "null" : query.length() + " chars"), "acme", query, 5,
                        query == null ? NullPointerException.class : IllegalArgumentException.class));
            }
            for (int k : new int[] {0, -1, Integer.MIN_VALUE, SearchClient.MAX_K + 1, Integer.MAX_VALUE}) {
                cases.add(new Bad("k " + k, "acme", "wind", k, IllegalArgumentException.class));
            }
            for (Bad b : cases) {
                assertThatThrownBy(() -> client.search(b.tenant(), b.query(), b.k())).as(b.name())
                        .isInstanceOf(b.expected());
            }
            // edge cases that are fine: answered, the unknown tenants with nothing
            assertThat(client.search("acme", "😀 مرحبا 日本語 \u0000", 3).hits()).hasSize(1);
            assertThat(client.search("acme", "q".repeat(SearchClient.MAX_QUERY_CHARS), 3).hits()).hasSize(1);
            assertThat(client.search("acme", "wind", SearchClient.MAX_K).hits()).hasSize(1);
            assertThat(client.search("a/b:c*", "wind", 3).hits()).isEmpty();
            assertThat(client.search("x".repeat(256), "wind", 3).hits()).isEmpty();
            SearchResult after = client.search("acme", "offshore wind energy", 3);
            assertThat(after.hits()).extracting(h -> h.hit().entity().id()).containsExactly("wind");
            report.events(cases.size() + 6L).figure("bad argument combinations", cases.size())
                    .figure("typed errors", "IllegalArgumentException, NullPointerException for nulls")
                    .figure("edge cases answered", 5).figure("good search after them", "answered").passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }
}

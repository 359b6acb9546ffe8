package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.PriorityGate;
import io.kembed.embed.query.QueryEmbedServer;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kembed search --via-kafka}: the query is embedded by a query-embedding server (the embed worker's query
 * lane) and the candidates reranked by a rerank worker, both over request/reply on a real KRaft broker, so the
 * search process loads no model. The store is a real Lucene collection the CLI opens itself.
 */
class SearchViaKafkaCliIT {

    private static final String TENANT = "acme";
    private static final String PREFIX = "via-kafka";

    private static EmbeddedKafka kafka;
    private static BiEncoder encoder;
    private static Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = KembedCli.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        ModelSpec spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec,
                BiEncoderOptions.forWorker(spec).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        dir = Files.createTempDirectory("kembed-search-via-kafka-it");
        List<String> texts = List.of("Offshore wind farms in the North Sea.", "The central bank raised rates.",
                "Solar panels cut energy bills.", "Tomatoes grow in warm weather.");
        // The collection the CLI searches when no alias exists: kembed__<model>. Closed before the CLI opens it.
        try (VectorStore store = VectorStores.lucene(dir, CollectionNames.of(CollectionNames.DEFAULT_ALIAS,
                spec.id()), spec.dims())) {
            for (int i = 0; i < texts.size(); i++) {
                store.upsert(List.of(new VectorPoint(EntityKey.document(TENANT, "d" + i), 0, 1, spec.id(),
                        encoder.embedPassages(List.of(texts.get(i))).get(0).vector(), "doc " + i, texts.get(i))));
            }
            store.flush();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (encoder != null) {
            encoder.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        Utils.delete(dir.toFile());
    }

    private static String[] search(String prefix, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("search", "--via-kafka", "--bootstrap-servers",
                kafka.bootstrapServers(), "--topic-prefix", prefix, "--model", "all-minilm-l6-v2-q", "--lucene-dir",
                dir.toString(), "--tenant", TENANT, "-k", "2", "--client-id", "search-it"));
        args.addAll(List.of(extra));
        args.add("renewable energy at sea");
        return args.toArray(String[]::new);
    }

    @Test
    void theWorkersEmbedAndRerank_andTheSearchFindsTheNearestDocument() {
        SimpleMeterRegistry queryMetrics = new SimpleMeterRegistry();
        SimpleMeterRegistry rerankMetrics = new SimpleMeterRegistry();
        try (QueryEmbedServer queries = QueryEmbedServer.start(QueryEmbedServer.Config.defaults(
                kafka.bootstrapServers(), new QueryEmbedTopics(PREFIX)), encoder, PriorityGate.create(), queryMetrics);
                BiEncoderReranker reranker = new BiEncoderReranker(encoder);
                RerankWorker rerank = RerankWorker.start(RerankWorker.Config.defaults(kafka.bootstrapServers(),
                        new RerankTopics(PREFIX)), reranker, rerankMetrics)) {
            // a rerank budget no busy CI machine misses: this test checks who answered, not the latency
            Run r = run(search(PREFIX, "--rerank-timeout-ms", "120000"));

            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("2 hits for \"renewable energy at sea\" in tenant acme")
                    .contains("embedded and reranked over Kafka")
                    .contains("rerank: RERANKED by bi-encoder:all-minilm-l6-v2-q (BI_ENCODER_FALLBACK)");
            assertThat(r.out().lines().filter(l -> l.matches("\\s+1\\. .*")).findFirst()).get().asString()
                    .contains("document d0#0");
            assertThat(queryMetrics.get("kembed.query_embed.latency").timer().count())
                    .as("queries embedded by the server").isEqualTo(1);
            assertThat(rerankMetrics.get(RerankWorker.LATENCY).timer().count())
                    .as("requests reranked by the worker").isEqualTo(1);

            Run plain = run(search(PREFIX, "--no-rerank"));
            assertThat(plain.exit()).as(plain.out() + plain.err()).isZero();
            assertThat(plain.out()).contains("rerank: SKIPPED").contains(", embedded over Kafka")
                    .doesNotContain("reranked over Kafka");
            assertThat(rerankMetrics.get(RerankWorker.LATENCY).timer().count()).as("no rerank request").isEqualTo(1);
        }
    }

    @Test
    void noQueryEmbeddingServer_isAOneLineTimeoutError_notAHang() {
        Run r = run(search("via-kafka-nobody", "--no-rerank"));

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).containsIgnoringCase("timed out").doesNotContain("\tat ");
    }

    @Test
    void viaKafkaWithoutBootstrapServers_isRefused() {
        Run r = run("search", "--via-kafka", "--lucene-dir", dir.toString(), "x");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--bootstrap-servers");
    }
}

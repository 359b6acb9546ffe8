package io.kembed.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.PriorityGate;
import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedServer;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SearchClient with its queries embedded by the embed workers' query lane: a real KRaft broker and server. */
class KafkaQueryEmbedderIT {

    private static final String TENANT = "acme";

    private static EmbeddedKafka kafka;
    private static BiEncoder encoder;
    private static Path dir;
    private static VectorStore store;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        ModelSpec spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec,
                BiEncoderOptions.forWorker(spec).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        dir = Files.createTempDirectory("kembed-kafka-query-it");
        store = VectorStores.lucene(dir, "c", spec.dims());
        List<String> texts = List.of("Offshore wind farms in the North Sea.", "The central bank raised rates.",
                "Solar panels cut energy bills.", "Tomatoes grow in warm weather.");
        for (int i = 0; i < texts.size(); i++) {
            store.upsert(List.of(new VectorPoint(EntityKey.document(TENANT, "d" + i), 0, 1, spec.id(),
                    encoder.embedPassages(List.of(texts.get(i))).get(0).vector(), "d" + i, texts.get(i))));
        }
        store.flush();
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        encoder.close();
        kafka.close();
        org.apache.kafka.common.utils.Utils.delete(dir.toFile());
    }

    @Test
    void searchesWithTheWorkersQueryVector_asIfEmbeddedInProcess() {
        QueryEmbedTopics topics = new QueryEmbedTopics("kq");
        try (QueryEmbedServer server = QueryEmbedServer.start(
                QueryEmbedServer.Config.defaults(kafka.bootstrapServers(), topics), encoder, PriorityGate.create(),
                new SimpleMeterRegistry());
                KafkaQueryEmbedder embedder = new KafkaQueryEmbedder(
                        QueryEmbedClient.create(kafka.bootstrapServers(), topics, "search-it", Map.of()),
                        encoder.spec().id(), encoder.spec().dims(), true)) {
            float[] expected = encoder.embedQuery("renewable energy at sea");
            float[] got = embedder.embed("renewable energy at sea", Duration.ofSeconds(30));
            assertThat(got).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(got[i]).isCloseTo(expected[i], within(1e-6f));
            }
            SearchClient client = SearchClient.builder(store, embedder)
                    .options(SearchOptions.defaults().withRerank(false)).build();
            SearchResult result = client.search(TENANT, "renewable energy at sea", 2);
            assertThat(result.hits()).extracting(h -> h.hit().entity().id()).first().isEqualTo("d0");
        }
    }

    @Test
    void aWorkerOfAnotherModel_isRefused() {
        QueryEmbedTopics topics = new QueryEmbedTopics("kq2");
        try (QueryEmbedServer server = QueryEmbedServer.start(
                QueryEmbedServer.Config.defaults(kafka.bootstrapServers(), topics), encoder, PriorityGate.create(),
                new SimpleMeterRegistry());
                KafkaQueryEmbedder embedder = new KafkaQueryEmbedder(
                        QueryEmbedClient.create(kafka.bootstrapServers(), topics, "search-it2", Map.of()),
                        "bge-small-en-v1.5-q", 384, true)) {
            assertThatThrownBy(() -> embedder.embed("wind", Duration.ofSeconds(30)))
                    .isInstanceOf(QueryEmbeddingException.class)
                    .satisfies(e -> assertThat(((QueryEmbeddingException) e).timedOut()).isFalse());
        }
    }

    @Test
    void noServer_timesOutAsRetriable() {
        QueryEmbedTopics topics = new QueryEmbedTopics("kq3");
        try (KafkaQueryEmbedder embedder = new KafkaQueryEmbedder(
                QueryEmbedClient.create(kafka.bootstrapServers(), topics, "search-it3", Map.of()),
                encoder.spec().id(), encoder.spec().dims(), true)) {
            assertThatThrownBy(() -> embedder.embed("wind", Duration.ofMillis(500)))
                    .isInstanceOf(QueryEmbeddingException.class)
                    .satisfies(e -> assertThat(((QueryEmbeddingException) e).timedOut()).isTrue());
        }
    }
}

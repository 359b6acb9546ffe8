package io.kembed.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.Reranker;
import io.kembed.rerank.requestreply.RerankClient;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.kembed.sink.VectorStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SearchClient reranking over Kafka request/reply: a real KRaft broker, the real rerank worker. */
class KafkaCandidateRerankerIT {

    private static final String TENANT = "acme";

    private static EmbeddedKafka kafka;
    private static BiEncoder encoder;
    private static Path dir;
    private static VectorStore store;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        var spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec,
                BiEncoderOptions.forWorker(spec).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        dir = Files.createTempDirectory("kembed-kafka-rerank-it");
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

    private static SearchClient client(RerankClient rerankClient, Duration timeout) {
        return SearchClient.builder(store, new BiEncoderQueryEmbedder(encoder))
                .reranker(new KafkaCandidateReranker(rerankClient, "kafka:rerank", false))
                .options(SearchOptions.defaults().withRerankTimeout(timeout)).build();
    }

    @Test
    void rerankedByTheWorker_labelledWithTheRerankerItNamed() {
        RerankTopics topics = new RerankTopics("sc");
        try (BiEncoderReranker reranker = new BiEncoderReranker(encoder);
                RerankWorker worker = RerankWorker.start(
                        RerankWorker.Config.defaults(kafka.bootstrapServers(), topics), reranker);
                RerankClient rerankClient = RerankClient.create(kafka.bootstrapServers(), topics, "search-it",
                        Map.of());
                SearchClient client = client(rerankClient, Duration.ofSeconds(60))) {
            SearchResult r = client.search(TENANT, "renewable energy", 3);
            assertThat(r.rerankStatus()).isEqualTo(RerankStatus.RERANKED);
            assertThat(r.rerankerId()).isEqualTo("bi-encoder:all-minilm-l6-v2-q");
            assertThat(r.rerankerKind()).isEqualTo(Reranker.Kind.BI_ENCODER_FALLBACK);
            assertThat(r.hits()).hasSize(3).allSatisfy(h -> assertThat(h.rerankScore()).isNotNull());
            assertThat(r.hits().stream().map(SearchResult.Hit::rerankScore).toList())
                    .isSortedAccordingTo((a, b) -> Float.compare(b, a));
        }
    }

    @Test
    void noWorkerAnswers_fallsBackToVectorOrder_flaggedAsTimeout() {
        RerankTopics topics = new RerankTopics("nobody");
        try (RerankClient rerankClient = RerankClient.create(kafka.bootstrapServers(), topics, "search-it-2",
                Map.of()); SearchClient client = client(rerankClient, Duration.ofMillis(500))) {
            SearchResult r = client.search(TENANT, "renewable energy", 3);
            assertThat(r.rerankStatus()).isEqualTo(RerankStatus.FALLBACK_TIMEOUT);
            assertThat(r.rerankerId()).isEqualTo("kafka:rerank");
            assertThat(r.hits().stream().map(SearchResult.Hit::vectorRank)).containsExactly(1, 2, 3);
        }
    }
}

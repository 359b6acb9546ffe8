package io.kembed.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.model.ModelRegistry;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BiEncoderRerankerTest {

    private static BiEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.defaults().withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void relevantPassage_isRankedFirst_andLabelledAsFallback() {
        Reranker reranker = new BiEncoderReranker(encoder);
        List<String> passages = List.of(
                "The committee sets interest rates for the euro area.",
                "Kafka partitions let consumer groups share the work of a topic.",
                "Tomatoes grow best in warm, sunny weather.");
        List<RerankResult> results = reranker.rerank("how do consumer groups divide a Kafka topic", passages, 2);
        assertThat(results).hasSize(2);
        assertThat(results.get(0).index()).isEqualTo(1);
        assertThat(results.get(0).score()).isGreaterThan(results.get(1).score());
        assertThat(reranker.kind()).isEqualTo(Reranker.Kind.BI_ENCODER_FALLBACK);
        assertThat(reranker.id()).isEqualTo("bi-encoder:all-minilm-l6-v2-q");
    }

    @Test
    void topNBelowOne_isRejected() {
        assertThatThrownBy(() -> new BiEncoderReranker(encoder).rerank("q", List.of("p"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

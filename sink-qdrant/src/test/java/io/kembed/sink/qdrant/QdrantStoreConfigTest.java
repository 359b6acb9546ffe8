package io.kembed.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QdrantStoreConfigTest {

    @Test
    void local_hasTheDocumentedDefaults() {
        QdrantStoreConfig c = QdrantStoreConfig.local("docs", 384);

        assertThat(c.host()).isEqualTo("localhost");
        assertThat(c.grpcPort()).isEqualTo(6334);
        assertThat(c.useTls()).isFalse();
        assertThat(c.apiKey()).isNull();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void toString_neverShowsTheApiKey() {
        QdrantStoreConfig c = QdrantStoreConfig.local("docs", 384).withApiKey("s3cret-key");

        assertThat(c.toString()).doesNotContain("s3cret-key").contains("apiKey=(set)");
    }

    @Test
    void nullsTakeDefaults_andAnEmptyApiKeyMeansNone() {
        QdrantStoreConfig c = new QdrantStoreConfig(null, 6334, false, "", "docs", 8, null);

        assertThat(c.host()).isEqualTo(QdrantStoreConfig.DEFAULT_HOST);
        assertThat(c.apiKey()).isNull();
        assertThat(c.timeout()).isEqualTo(QdrantStoreConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void outOfBoundsValues_areRejected() {
        QdrantStoreConfig ok = QdrantStoreConfig.local("docs", 384);

        assertThatThrownBy(() -> ok.withEndpoint(" ", 6334, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withEndpoint("h", 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withEndpoint("h", 65_536, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withApiKey("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QdrantStoreConfig.local(" ", 384)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QdrantStoreConfig.local("docs", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QdrantStoreConfig.local("docs", QdrantStoreConfig.MAX_DIMS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

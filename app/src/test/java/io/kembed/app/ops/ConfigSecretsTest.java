package io.kembed.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.ops.Redaction;
import io.kembed.core.requestreply.ReplyingClient;
import io.kembed.core.requestreply.RequestServer;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.query.QueryEmbedServer;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.producer.PublisherConfig;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.qdrant.QdrantStoreConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every configuration that carries Kafka client properties or a Qdrant API key prints its secrets as
 * {@value Redaction#REDACTED} (or leaves them out) in {@code toString()}, which is what ends up in a log line or an
 * exception message when a config is printed; the other settings stay visible.
 */
class ConfigSecretsTest {

    private static final String SASL_SECRET = "sasl-Secret-4711";
    private static final String TRUSTSTORE_SECRET = "truststore-Secret-0815";
    private static final String KEY_SECRET = "key-Secret-2222";
    private static final String QDRANT_SECRET = "qdrant-Secret-1234";

    /** What a {@code --kafka-config} file for SASL over TLS holds. */
    static Map<String, Object> secureKafkaProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"kembed\" password=\"" + SASL_SECRET + "\";");
        p.put("ssl.truststore.location", "/etc/kembed/truststore.p12");
        p.put("ssl.truststore.password", TRUSTSTORE_SECRET);
        p.put("ssl.key.password", KEY_SECRET);
        return p;
    }

    @Test
    void everyConfigWithKafkaProperties_printsTheirSecretsRedacted() {
        Map<String, Object> props = secureKafkaProperties();
        List<Object> configs = List.of(
                EmbedWorkerConfig.defaults("broker:9093", ModelRegistry.get("all-minilm-l6-v2-q"), Path.of("state"))
                        .withKafkaProperties(props),
                SinkWorkerConfig.defaults("broker:9093", "kembed__m", "m").withKafkaProperties(props),
                QueryEmbedServer.Config.defaults("broker:9093", new QueryEmbedTopics("kembed"))
                        .withKafkaProperties(props),
                new RerankWorker.Config("broker:9093", new RerankTopics("kembed"), "g", 1, 1,
                        RerankWorker.Config.DEFAULT_MAX_BATCH_PASSAGES, props),
                new ReplyingClient.Config("broker:9093", "replies", 0, props),
                new RequestServer.Config("broker:9093", "requests", "g", 1, props),
                new PipelineOptions("broker:9093", TopicNames.DEFAULT, new TopicAdmin.Layout(1, (short) 1),
                        ModelRegistry.get("all-minilm-l6-v2-q"), Path.of("lucene"), "c", Path.of("state"), props),
                new PublisherConfig("broker:9093", TopicNames.DEFAULT, props));

        for (Object config : configs) {
            assertThat(config.toString()).as(config.getClass().getName())
                    .doesNotContain(SASL_SECRET, TRUSTSTORE_SECRET, KEY_SECRET)
                    .contains("sasl.jaas.config=" + Redaction.REDACTED)
                    .contains("ssl.truststore.password=" + Redaction.REDACTED)
                    .contains("ssl.key.password=" + Redaction.REDACTED)
                    .contains("security.protocol=SASL_SSL") // the rest stays readable
                    .contains("broker:9093");
        }
    }

    @Test
    void qdrantConfig_saysAnApiKeyIsSet_butNotWhich() {
        QdrantStoreConfig config = QdrantStoreConfig.local("c", 4).withApiKey(QDRANT_SECRET)
                .withEndpoint("qdrant.example", 6334, true);

        assertThat(config.toString()).doesNotContain(QDRANT_SECRET).contains("apiKey=(set)").contains("useTls=true");
    }
}

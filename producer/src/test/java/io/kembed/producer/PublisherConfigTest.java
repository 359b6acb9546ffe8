package io.kembed.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.kafka.TopicNames;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublisherConfigTest {

    @Test
    void producerProperties_areIdempotentWithAcksAll_andZstd() {
        Map<String, Object> props = PublisherConfig.of("broker:9092").producerProperties();

        assertThat(props)
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("enable.idempotence", true)
                .containsEntry("acks", "all")
                .containsEntry("compression.type", "zstd")
                .containsEntry("linger.ms", 10)
                .containsEntry("batch.size", 65536)
                .containsEntry("max.in.flight.requests.per.connection", 1);
    }

    @Test
    void securityProperties_arePassedThroughUntouched() {
        Object jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
        PublisherConfig config = new PublisherConfig("b:9093", TopicNames.DEFAULT, Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", jaas,
                "ssl.truststore.location", "/etc/kafka/truststore.jks"));

        assertThat(config.producerProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("sasl.jaas.config", jaas);
        assertThat(config.producerProperties().get("sasl.jaas.config")).isSameAs(jaas);
    }

    @Test
    void tuningDefaults_canBeOverridden() {
        PublisherConfig config = new PublisherConfig("b:9092", TopicNames.DEFAULT,
                Map.of("compression.type", "lz4", "linger.ms", 0));

        assertThat(config.producerProperties()).containsEntry("compression.type", "lz4").containsEntry("linger.ms", 0);
    }

    @Test
    void guarantees_cannotBeOverridden() {
        for (String key : new String[] {"enable.idempotence", "acks", "transactional.id", "key.serializer",
                "value.serializer", "bootstrap.servers"}) {
            assertThatThrownBy(() -> new PublisherConfig("b:9092", TopicNames.DEFAULT, Map.of(key, "x")))
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void invalidArguments_areRejected() {
        assertThatThrownBy(() -> PublisherConfig.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PublisherConfig.of(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PublisherConfig("b:9092", null, Map.of()))
                .isInstanceOf(NullPointerException.class);
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("client.id", null);
        assertThatThrownBy(() -> new PublisherConfig("b:9092", TopicNames.DEFAULT, nullValue))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("client.id");
    }

    @Test
    void nullExtras_meanNone_andExtrasAreImmutable() {
        PublisherConfig config = new PublisherConfig("b:9092", TopicNames.DEFAULT, null);

        assertThat(config.extraProperties()).isEmpty();
        assertThatThrownBy(() -> config.extraProperties().put("a", "b"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toString_hidesSecrets() {
        PublisherConfig config = new PublisherConfig("b:9092", TopicNames.DEFAULT,
                Map.of("sasl.jaas.config", "... password=\"hunter2\";", "ssl.key.password", "s3cret"));

        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("[redacted]");
    }
}

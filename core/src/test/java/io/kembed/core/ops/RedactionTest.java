package io.kembed.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void secretKeys_areRedacted_andOthersKept() {
        Map<String, Object> in = Map.of(
                "sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"p\";",
                "ssl.truststore.password", "t", "ssl.keystore.key", "k", "basic.auth.user.info", "u:p",
                "qdrant.api-key", "q", "redis.password", "r", "sasl.oauthbearer.token.endpoint.url", "x",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "bootstrap.servers", "b:9092");
        Map<String, Object> out = Redaction.redact(in);
        assertThat(out).containsEntry("sasl.jaas.config", Redaction.REDACTED)
                .containsEntry("ssl.truststore.password", Redaction.REDACTED)
                .containsEntry("ssl.keystore.key", Redaction.REDACTED)
                .containsEntry("qdrant.api-key", Redaction.REDACTED)
                .containsEntry("redis.password", Redaction.REDACTED)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "b:9092");
        assertThat(out.toString()).doesNotContain("password=\"p\"");
    }
}

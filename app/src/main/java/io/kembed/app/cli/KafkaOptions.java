package io.kembed.app.cli;

import io.kembed.core.kafka.TopicNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Kafka connection options shared by every command. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            defaultValue = "${env:KEMBED_BOOTSTRAP_SERVERS}",
            description = "Kafka cluster (env KEMBED_BOOTSTRAP_SERVERS). demo, eval and bench start an embedded "
                    + "KRaft broker when it is not set.")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "${env:KEMBED_TOPIC_PREFIX:-kembed}",
            description = "Prefix of every kembed topic (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings passed through untouched "
                    + "(security.protocol, sasl.*, ssl.*, ...).")
    Path kafkaConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "One Kafka client setting, passed through untouched; repeatable.")
    Map<String, String> kafkaProperty = new HashMap<>();

    public TopicNames topics() {
        return new TopicNames(topicPrefix);
    }

    /** @return the bootstrap servers, or null if none was given */
    public String bootstrapServersOrNull() {
        return bootstrapServers == null || bootstrapServers.isBlank() ? null : bootstrapServers;
    }

    /** @throws picocli.CommandLine.ParameterException-like IllegalArgumentException when not set */
    public String requireBootstrapServers() {
        String b = bootstrapServersOrNull();
        if (b == null) {
            throw new IllegalArgumentException("--bootstrap-servers (or KEMBED_BOOTSTRAP_SERVERS) is required");
        }
        return b;
    }

    /** Client properties from {@code --kafka-config} then {@code --kafka-property}. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        if (kafkaConfig != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + kafkaConfig, e);
            }
            p.forEach((k, v) -> props.put(k.toString(), v));
        }
        props.putAll(kafkaProperty);
        return props;
    }
}

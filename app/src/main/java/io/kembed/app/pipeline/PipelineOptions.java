package io.kembed.app.pipeline;

import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link LocalPipeline} runs.
 *
 * @param bootstrapServers an existing cluster, or null to start an embedded single-broker KRaft cluster
 * @param topics topic names
 * @param layout partitions and replication of the topics it creates
 * @param model the bi-encoder
 * @param storeDir directory of the embedded Lucene store
 * @param collection collection (index) name
 * @param stateDir Kafka Streams state directory
 * @param kafkaProperties client properties passed through (security)
 */
public record PipelineOptions(String bootstrapServers, TopicNames topics, TopicAdmin.Layout layout, ModelSpec model,
        Path storeDir, String collection, Path stateDir, Map<String, Object> kafkaProperties) {

    public PipelineOptions {
        Objects.requireNonNull(topics);
        Objects.requireNonNull(layout);
        Objects.requireNonNull(model);
        Objects.requireNonNull(storeDir);
        Objects.requireNonNull(collection);
        Objects.requireNonNull(stateDir);
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
    }

    /** Shows every field, with the values of secret Kafka properties as {@code [redacted]}. */
    @Override
    public String toString() {
        return "PipelineOptions[bootstrapServers=" + bootstrapServers + ", topics=" + topics.prefix() + ", layout="
                + layout + ", model=" + model.id() + ", storeDir=" + storeDir + ", collection=" + collection
                + ", stateDir=" + stateDir + ", kafkaProperties="
                + io.kembed.core.ops.Redaction.redact(kafkaProperties) + "]";
    }

    /**
     * The default collection of a model: {@code kembed__<model id>} (one collection per model, behind the alias
     * {@code kembed}; {@link io.kembed.core.store.CollectionNames}).
     */
    public static String defaultCollection(ModelSpec model) {
        return io.kembed.core.store.CollectionNames.of(io.kembed.core.store.CollectionNames.DEFAULT_ALIAS, model.id());
    }
}

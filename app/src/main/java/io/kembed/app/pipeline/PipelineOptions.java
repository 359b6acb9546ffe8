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

    /** The default collection of a model: {@code kembed__<model id>} (one collection per model). */
    public static String defaultCollection(ModelSpec model) {
        return "kembed__" + model.id().replaceAll("[^a-zA-Z0-9_-]", "_");
    }
}

package io.kembed.core.kafka;

import io.kembed.core.event.EntityType;
import java.util.List;
import java.util.Objects;

/**
 * The topics of one kembed deployment, all under one prefix (default {@code kembed}).
 *
 * <ul>
 *   <li>{@code <prefix>.contacts.v1}, {@code <prefix>.documents.v1}: compacted change topics, the source of truth
 *       that a replay re-embeds from;</li>
 *   <li>{@code <prefix>.vectors.v1.<model id>}: compacted, the latest vectors of each entity made by one model,
 *       written by that model's embed worker in transactions and read by the sinks of that model's collections. One
 *       topic per model: two models' records of one entity share a key ({@code tenant/type/id}), so in one compacted
 *       topic compaction would keep only the last of them;</li>
 *   <li>{@code <prefix>.reembeds}: compacted, the state of the re-embed of each alias (see {@code ReembedState});</li>
 *   <li>{@code <prefix>.dlq}: dead letters from every stage, with the reason in headers.</li>
 * </ul>
 */
public record TopicNames(String prefix) {

    public static final TopicNames DEFAULT = new TopicNames("kembed");

    public TopicNames {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' has characters Kafka does not allow");
        }
    }

    public String contacts() {
        return prefix + ".contacts.v1";
    }

    public String documents() {
        return prefix + ".documents.v1";
    }

    public String changes(EntityType type) {
        return type == EntityType.CONTACT ? contacts() : documents();
    }

    public List<String> changeTopics() {
        return List.of(contacts(), documents());
    }

    /**
     * The vectors topic of one model: {@code <prefix>.vectors.v1.<model id>}, characters Kafka does not allow in a
     * topic name replaced by {@code _} (the registry's ids need none).
     *
     * @throws NullPointerException if {@code modelId} is null
     */
    public String vectors(String modelId) {
        Objects.requireNonNull(modelId, "modelId");
        return prefix + ".vectors.v1." + modelId.replaceAll("[^a-zA-Z0-9._-]", "_");
    }

    /** The compacted topic of re-embed states, keyed by alias: {@code <prefix>.reembeds}. */
    public String reembeds() {
        return prefix + ".reembeds";
    }

    public String deadLetter() {
        return prefix + ".dlq";
    }
}

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
 *   <li>{@code <prefix>.vectors.v1}: compacted, the latest vectors of each entity, written by the embed worker in
 *       transactions and read by the sink;</li>
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

    public String vectors() {
        return prefix + ".vectors.v1";
    }

    public String deadLetter() {
        return prefix + ".dlq";
    }
}

package io.kembed.core.requestreply;

import java.util.Objects;

/**
 * One reply, addressed from its request ({@link Request#reply(byte[])}).
 *
 * @param replyPartition partition of {@code replyTo}, or {@link Request#NO_PARTITION}
 */
public record Reply(String correlationId, String replyTo, int replyPartition, byte[] payload) {

    public Reply {
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(replyTo, "replyTo");
    }
}

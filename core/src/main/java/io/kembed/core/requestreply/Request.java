package io.kembed.core.requestreply;

import java.util.Objects;

/**
 * One request as the server sees it.
 *
 * @param correlationId the requester's id, copied onto the reply
 * @param replyTo topic of the reply
 * @param replyPartition partition of {@code replyTo}, or {@link #NO_PARTITION}
 * @param deadlineMs epoch milliseconds after which the requester no longer waits
 * @param key the record key (may be null)
 * @param payload the record value (may be null)
 */
public record Request(String correlationId, String replyTo, int replyPartition, long deadlineMs, byte[] key,
        byte[] payload) {

    public static final int NO_PARTITION = -1;

    public Request {
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(replyTo, "replyTo");
    }

    /** True when {@code nowMs} (epoch ms) is at or past the deadline: nobody waits for the answer any more. */
    public boolean expired(long nowMs) {
        return nowMs >= deadlineMs;
    }

    /** Milliseconds left before the deadline at {@code nowMs}; zero or negative when expired. */
    public long remainingMs(long nowMs) {
        return deadlineMs - nowMs;
    }

    /** The reply to this request carrying {@code payload}. */
    public Reply reply(byte[] payload) {
        return new Reply(correlationId, replyTo, replyPartition, payload);
    }
}

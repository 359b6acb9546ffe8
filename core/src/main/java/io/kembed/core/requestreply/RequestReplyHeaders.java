package io.kembed.core.requestreply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names of the request/reply protocol and their encodings. Strings are UTF-8; the reply partition is a
 * 4-byte big-endian int and the deadline an 8-byte big-endian long (epoch milliseconds), as spring-kafka encodes
 * its {@code kafka_replyPartition}.
 */
public final class RequestReplyHeaders {

    /** Random id chosen by the requester, copied onto the reply. UTF-8. */
    public static final String CORRELATION_ID = "kembed.correlation-id";
    /** Topic the reply goes to. UTF-8. */
    public static final String REPLY_TO = "kembed.reply-to";
    /** Partition of {@link #REPLY_TO} the reply goes to; absent means the producer's partitioner decides. int32. */
    public static final String REPLY_PARTITION = "kembed.reply-partition";
    /** Epoch milliseconds after which the requester no longer waits; servers drop the request. int64. */
    public static final String DEADLINE_MS = "kembed.deadline-ms";

    private RequestReplyHeaders() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(v).array();
    }

    static byte[] int64(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    /** The last value of {@code name} as UTF-8 text, or null when absent. */
    static String string(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Reads the request headers.
     *
     * @throws MalformedRequestException if the correlation id, reply-to or deadline is missing, or a number has the
     *     wrong length
     */
    static Request parse(Headers headers, byte[] key, byte[] payload) {
        String correlationId = string(headers, CORRELATION_ID);
        if (correlationId == null || correlationId.isEmpty()) {
            throw new MalformedRequestException("missing header " + CORRELATION_ID);
        }
        String replyTo = string(headers, REPLY_TO);
        if (replyTo == null || replyTo.isEmpty()) {
            throw new MalformedRequestException("missing header " + REPLY_TO);
        }
        Header partition = headers.lastHeader(REPLY_PARTITION);
        int replyPartition = Request.NO_PARTITION;
        if (partition != null) {
            if (partition.value() == null || partition.value().length != Integer.BYTES) {
                throw new MalformedRequestException(REPLY_PARTITION + " must be a 4-byte int");
            }
            replyPartition = ByteBuffer.wrap(partition.value()).getInt();
            if (replyPartition < 0) {
                throw new MalformedRequestException(REPLY_PARTITION + " is negative: " + replyPartition);
            }
        }
        Header deadline = headers.lastHeader(DEADLINE_MS);
        if (deadline == null || deadline.value() == null || deadline.value().length != Long.BYTES) {
            throw new MalformedRequestException("missing or malformed header " + DEADLINE_MS + " (8-byte long)");
        }
        long deadlineMs = ByteBuffer.wrap(deadline.value()).getLong();
        return new Request(correlationId, replyTo, replyPartition, deadlineMs, key, payload);
    }
}

package io.kembed.core.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key and value unchanged, plus headers that say where the record came
 * from and why it was rejected (after spring-kafka's {@code DeadLetterPublishingRecoverer}).
 */
public final class DeadLetters {

    public static final String ORIGINAL_TOPIC = "kembed.dlq.original.topic";
    public static final String ORIGINAL_PARTITION = "kembed.dlq.original.partition";
    public static final String ORIGINAL_OFFSET = "kembed.dlq.original.offset";
    public static final String EXCEPTION_CLASS = "kembed.dlq.exception.class";
    public static final String EXCEPTION_MESSAGE = "kembed.dlq.exception.message";
    /** A short machine-readable reason, for example {@code BAD_JSON} or {@code TEXT_TOO_LARGE}. */
    public static final String REASON = "kembed.dlq.reason";
    /** Which stage rejected the record: {@code embed} or {@code sink}. */
    public static final String STAGE = "kembed.dlq.stage";

    /** Longest exception message kept in a header, in chars. */
    static final int MAX_MESSAGE_CHARS = 2000;

    private DeadLetters() {
    }

    /** The dead-letter record for {@code failed}, keeping its key, value and original headers. */
    public static ProducerRecord<byte[], byte[]> of(String dlqTopic, String stage,
            ConsumerRecord<byte[], byte[]> failed, String reason, Throwable error) {
        Headers headers = new RecordHeaders(failed.headers().toArray());
        addHeaders(headers, stage, failed.topic(), failed.partition(), failed.offset(), reason, error);
        return new ProducerRecord<>(dlqTopic, null, failed.key(), failed.value(), headers);
    }

    /** Adds the dead-letter headers to {@code headers}. */
    public static void addHeaders(Headers headers, String stage, String topic, int partition, long offset,
            String reason, Throwable error) {
        put(headers, STAGE, stage);
        put(headers, ORIGINAL_TOPIC, topic);
        put(headers, ORIGINAL_PARTITION, Integer.toString(partition));
        put(headers, ORIGINAL_OFFSET, Long.toString(offset));
        put(headers, REASON, reason);
        put(headers, EXCEPTION_CLASS, error.getClass().getName());
        String message = String.valueOf(error.getMessage());
        put(headers, EXCEPTION_MESSAGE,
                message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message);
    }

    /** @return the header's last value as UTF-8, or null */
    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

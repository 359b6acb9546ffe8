package io.kembed.embed.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An accepted upsert waiting in the task's buffer to be embedded with others of similar length. The buffer is a
 * changelogged store, so a change whose offset is committed but which is not embedded yet survives a crash.
 *
 * @param version source version
 * @param textHash SHA-256 of the text to embed
 * @param value the original change-topic record value (a valid {@code contact.v1} or {@code document.v1} event)
 * @param topic source topic, for dead-letter headers
 * @param partition source partition
 * @param offset source offset
 */
record PendingChange(long version, byte[] textHash, byte[] value, String topic, int partition, long offset) {

    static Serde<PendingChange> serde() {
        Serializer<PendingChange> ser = (t, p) -> {
            if (p == null) {
                return null;
            }
            byte[] topicBytes = p.topic.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(8 + 4 + p.textHash.length + 4 + topicBytes.length + 4 + 8 + 4 + p.value.length)
                    .putLong(p.version)
                    .putInt(p.textHash.length).put(p.textHash)
                    .putInt(topicBytes.length).put(topicBytes)
                    .putInt(p.partition).putLong(p.offset)
                    .putInt(p.value.length).put(p.value)
                    .array();
        };
        Deserializer<PendingChange> de = (t, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long version = b.getLong();
            byte[] hash = new byte[b.getInt()];
            b.get(hash);
            byte[] topic = new byte[b.getInt()];
            b.get(topic);
            int partition = b.getInt();
            long offset = b.getLong();
            byte[] value = new byte[b.getInt()];
            b.get(value);
            return new PendingChange(version, hash, value, new String(topic, StandardCharsets.UTF_8), partition, offset);
        };
        return Serdes.serdeFrom(ser, de);
    }
}

package io.kembed.embed.stream;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the worker last applied for one entity (per model, since each model is its own Streams application).
 *
 * @param version the latest applied source version
 * @param textHash SHA-256 of the embedded text (32 bytes); empty for a deleted entity
 * @param chunkCount vectors the entity has in the store
 * @param deleted true after a delete or tombstone (kept so a late, older upsert is still refused)
 */
record EntityState(long version, byte[] textHash, int chunkCount, boolean deleted) {

    static EntityState deleted(long version) {
        return new EntityState(version, new byte[0], 0, true);
    }

    boolean sameText(byte[] hash) {
        return !deleted && Arrays.equals(textHash, hash);
    }

    /** Binary: version (8), chunkCount (4), deleted (1), hash length (1), hash. */
    static Serde<EntityState> serde() {
        Serializer<EntityState> ser = (topic, s) -> {
            if (s == null) {
                return null;
            }
            return ByteBuffer.allocate(14 + s.textHash.length).putLong(s.version).putInt(s.chunkCount)
                    .put((byte) (s.deleted ? 1 : 0)).put((byte) s.textHash.length).put(s.textHash).array();
        };
        Deserializer<EntityState> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long version = b.getLong();
            int chunks = b.getInt();
            boolean deleted = b.get() == 1;
            byte[] hash = new byte[b.get() & 0xff];
            b.get(hash);
            return new EntityState(version, hash, chunks, deleted);
        };
        return Serdes.serdeFrom(ser, de);
    }
}

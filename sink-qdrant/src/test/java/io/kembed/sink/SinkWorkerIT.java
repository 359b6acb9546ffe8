package io.kembed.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.DeadLetters;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.kembed.core.vector.ChunkVector;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink on a real embedded KRaft broker and a real Lucene store: writes what the vectors topic says, retries
 * a failing store without losing or skipping anything, and dead-letters records it cannot decode.
 */
class SinkWorkerIT {

    private static final int DIMS = 8;
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static TopicNames topics(String prefix) {
        TopicNames names = new TopicNames(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, names, new TopicAdmin.Layout(2, (short) 1));
        }
        return names;
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIMS];
        double n = 0;
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) random.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < DIMS; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static void send(TopicNames topics, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks =
                    new ArrayList<>();
            records.forEach(r -> acks.add(producer.send(r)));
            producer.flush();
            for (java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> ack : acks) {
                try {
                    ack.get(); // the test's input must be complete: a lost record would look like a sink bug
                } catch (Exception e) {
                    throw new AssertionError("test input not acknowledged by the broker", e);
                }
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(TopicNames topics, EmbeddingRecord r) {
        return new ProducerRecord<>(topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL), r.key().toKafkaKey().getBytes(StandardCharsets.UTF_8),
                EmbeddingRecordCodec.encode(r));
    }

    private static SinkWorkerConfig config(TopicNames topics) {
        return new SinkWorkerConfig(kafka.bootstrapServers(), "sink-" + topics.prefix(), topics,
                io.kembed.core.model.ModelRegistry.DEFAULT_MODEL, 100,
                Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(200), Map.of());
    }

    private static void awaitCount(SinkWorker sink, VectorStore store, String tenant, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (store.count(tenant) != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        if (store.count(tenant) != expected) {
            // Leave the sink's state in the report: where its poll thread is and what it was doing.
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (t.getName().startsWith("kembed-sink") || t.getName().startsWith("kafka-coordinator")) {
                    StringBuilder b = new StringBuilder("thread " + t.getName() + " " + t.getState() + "\n");
                    for (StackTraceElement e : stack) {
                        b.append("    at ").append(e).append('\n');
                    }
                    System.err.print(b);
                }
            });
        }
        assertThat(store.count(tenant)).as("points of tenant %s; sink alive %s, failure %s, retries %d", tenant,
                sink.isAlive(), sink.failure(), sink.storeRetries()).isEqualTo(expected);
    }

    @Test
    void failingStore_isRetriedWithBackoff_untilEveryPointIsWritten() throws Exception {
        TopicNames topics = topics("retry");
        Random random = new Random(7);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            EntityKey key = EntityKey.contact("t", "c" + i);
            records.add(record(topics, EmbeddingRecord.upsert(key, 1, "m", DIMS, null, "title " + i,
                    List.of(new ChunkVector(0, 5, false, "s", vector(random))), 0)));
        }
        send(topics, records);
        try (VectorStore lucene = VectorStores.lucene(dir, "retry", DIMS);
                FlakyStore store = new FlakyStore(lucene, 5);
                SinkWorker sink = SinkWorker.start(config(topics), store)) {
            awaitCount(sink, store, "t", 300);
            assertThat(sink.storeRetries()).isGreaterThanOrEqualTo(5);
            assertThat(sink.failure()).isNull();
        }
    }

    @Test
    void upsertsAndDeletes_leaveTheLatestState_andUndecodableRecordsAreDeadLettered() throws Exception {
        TopicNames topics = topics("state");
        Random random = new Random(11);
        EntityKey a = EntityKey.document("t", "a");
        EntityKey b = EntityKey.document("t", "b");
        List<ChunkVector> three = List.of(new ChunkVector(0, 9, false, "a0", vector(random)),
                new ChunkVector(1, 9, false, "a1", vector(random)), new ChunkVector(2, 9, false, "a2", vector(random)));
        send(topics, List.of(
                record(topics, EmbeddingRecord.upsert(a, 1, "m", DIMS, null, "A", three, 0)),
                record(topics, EmbeddingRecord.upsert(b, 1, "m", DIMS, null, "B",
                        List.of(new ChunkVector(0, 4, false, "b0", vector(random))), 0)),
                new ProducerRecord<>(topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL), "t/document/x".getBytes(StandardCharsets.UTF_8),
                        "not a vectors record".getBytes(StandardCharsets.UTF_8)),
                record(topics, EmbeddingRecord.upsert(a, 2, "m", DIMS, null, "A",
                        List.of(new ChunkVector(0, 9, false, "a0 v2", vector(random))), 3)),
                record(topics, EmbeddingRecord.delete(b, 2, "m", DIMS, null))));
        try (VectorStore store = VectorStores.lucene(dir, "state", DIMS);
                SinkWorker sink = SinkWorker.start(config(topics), store)) {
            awaitCount(sink, store, "t", 1);
            List<SearchHit> hits = store.search("t", vector(new Random(1)), 10);
            assertThat(hits).singleElement().satisfies(h -> {
                assertThat(h.entity()).isEqualTo(a);
                assertThat(h.version()).isEqualTo(2);
                assertThat(h.snippet()).isEqualTo("a0 v2");
            });
            assertThat(sink.deadLettered()).isEqualTo(1);
        }
        ConsumerRecord<byte[], byte[]> dead = readOne(topics.deadLetter());
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.STAGE)).isEqualTo("sink");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("BAD_VECTORS");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo(topics.vectors(io.kembed.core.model.ModelRegistry.DEFAULT_MODEL));
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not a vectors record");
    }

    /**
     * After partitions are added, an entity's older record can come from its old partition after a newer one from
     * its new partition. The sink keeps the newer state: an older upsert after a newer upsert or a newer delete is
     * skipped and counted as stale.
     */
    @Test
    void olderRecordsFromAnotherPartition_afterNewerOnes_areSkipped_andADeletedEntityStaysDeleted() throws Exception {
        TopicNames topics = topics("versions");
        Random random = new Random(13);
        EntityKey a = EntityKey.document("t", "a");
        EntityKey b = EntityKey.contact("t", "b");
        List<ChunkVector> newChunks = List.of(new ChunkVector(0, 9, false, "a0 v5", vector(random)),
                new ChunkVector(1, 9, false, "a1 v5", vector(random)));
        send(topics, List.of(
                onPartition(0, record(topics, EmbeddingRecord.upsert(a, 5, "m", DIMS, null, "A", newChunks, 0))),
                onPartition(0, record(topics, EmbeddingRecord.upsert(b, 1, "m", DIMS, null, "B",
                        List.of(new ChunkVector(0, 4, false, "b v1", vector(random))), 0))),
                onPartition(0, record(topics, EmbeddingRecord.delete(b, 4, "m", DIMS, null)))));
        try (VectorStore store = VectorStores.lucene(dir, "versions", DIMS);
                SinkWorker sink = SinkWorker.start(config(topics), store)) {
            awaitCount(sink, store, "t", 2);
            long staleBefore = sink.staleSkipped();

            // The older versions, from the other partition, as an embed task with no state for the keys sends them
            // (previousChunkCount 0), then a new entity whose arrival shows the sink got past them.
            send(topics, List.of(
                    onPartition(1, record(topics, EmbeddingRecord.upsert(a, 3, "m", DIMS, null, "A",
                            List.of(new ChunkVector(0, 9, false, "a0 v3", vector(random))), 0))),
                    onPartition(1, record(topics, EmbeddingRecord.upsert(b, 2, "m", DIMS, null, "B",
                            List.of(new ChunkVector(0, 4, false, "b v2", vector(random))), 0))),
                    onPartition(1, record(topics, EmbeddingRecord.upsert(EntityKey.contact("t", "c"), 1, "m", DIMS,
                            null, "C", List.of(new ChunkVector(0, 4, false, "c v1", vector(random))), 0)))));
            awaitCount(sink, store, "t", 3);

            List<SearchHit> hits = store.search("t", vector(new Random(1)), 10);
            assertThat(hits).extracting(h -> h.entity().id() + "@" + h.version() + ":" + h.snippet())
                    .containsExactlyInAnyOrder("a@5:a0 v5", "a@5:a1 v5", "c@1:c v1");
            assertThat(store.storedVersions(List.of(a, b))).isEqualTo(Map.of(a, 5L, b, 4L));
            assertThat(sink.staleSkipped() - staleBefore).isEqualTo(2);
            assertThat(sink.failure()).isNull();
        }
    }

    private static ProducerRecord<byte[], byte[]> onPartition(int partition, ProducerRecord<byte[], byte[]> r) {
        return new ProducerRecord<>(r.topic(), partition, r.key(), r.value());
    }

    private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    return r;
                }
            }
        }
        throw new AssertionError("no record on " + topic);
    }

    /** Fault injection: a real store whose first {@code failures} upserts throw as an unreachable backend would. */
    private static final class FlakyStore implements VectorStore {
        private final VectorStore delegate;
        private final AtomicInteger failuresLeft;

        FlakyStore(VectorStore delegate, int failures) {
            this.delegate = delegate;
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public String collection() {
            return delegate.collection();
        }

        @Override
        public int dims() {
            return delegate.dims();
        }

        @Override
        public void upsert(List<VectorPoint> points) {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new VectorStoreException("injected: store unavailable");
            }
            delegate.upsert(points);
        }

        @Override
        public void deleteEntity(EntityKey entity, int fromChunk) {
            delegate.deleteEntity(entity, fromChunk);
        }

        @Override
        public void tombstone(EntityKey entity, long version) {
            delegate.tombstone(entity, version);
        }

        @Override
        public Map<EntityKey, Long> storedVersions(java.util.Collection<EntityKey> entities) {
            return delegate.storedVersions(entities);
        }

        @Override
        public List<SearchHit> search(String tenantId, float[] query, int k) {
            return delegate.search(tenantId, query, k);
        }

        @Override
        public long count(String tenantId) {
            return delegate.count(tenantId);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            // the delegate is closed by its own try-with-resources
        }
    }
}

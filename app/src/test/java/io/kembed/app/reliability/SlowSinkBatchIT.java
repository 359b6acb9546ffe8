package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.vector.ChunkVector;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The sink's side of long batches: its first store write fails for 7 s (a store outage), so the batch's retries
 * outlast a {@code max.poll.interval.ms} of 3 s and the consumer leaves the group. The sink must not die of the
 * failed offset commit that follows: it keeps its writes (idempotent), rejoins, and goes on writing. Before the fix
 * the {@code CommitFailedException} stopped the sink's thread for good.
 */
class SlowSinkBatchIT {

    private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(3);
    private static final Duration OUTAGE = Duration.ofSeconds(7);

    @Test
    void sinkBatchOutlastingMaxPollInterval_doesNotStopTheSink_andEveryRecordIsStored() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("long-batches.sink-outlasts-poll-interval",
                "Long batches", "Sink batch retried for 7 s against max.poll.interval.ms 3 s (store outage)");
        Path work = Files.createTempDirectory("kembed-slow-sink-it");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()));
                OutageStore store = new OutageStore(VectorStores.lucene(work.resolve("lucene"), "slow-sink", 8))) {
            TopicAdmin.ensureTopics(admin, TopicNames.DEFAULT, new TopicAdmin.Layout(2, (short) 1),
                java.util.List.of(Fixtures.MODEL.id()));
            SinkWorkerConfig config = SinkWorkerConfig.defaults(kafka.bootstrapServers(), "slow-sink", Fixtures.MODEL.id())
                    .withKafkaProperties(Map.of("max.poll.interval.ms", Long.toString(MAX_POLL_INTERVAL.toMillis())));
            try (SinkWorker sink = SinkWorker.start(config, store);
                    KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                store.outage(OUTAGE); // from the first batch on, far longer than max.poll.interval.ms
                send(producer, 0, 50);
                assertThat(LocalPipeline.awaitCondition(() -> countWhenUp(store) == 50, Duration.ofMinutes(1)))
                        .as("the batch written once the store is back").isTrue();
                // the sink is still working: records sent after the expulsion are written too
                send(producer, 50, 80);
                assertThat(LocalPipeline.awaitCondition(() -> countWhenUp(store) == 80, Duration.ofMinutes(1)))
                        .as("later records written").isTrue();
                assertThat(sink.health().liveness().values()).allSatisfy(h -> assertThat(h.check().up()).isTrue());
                assertThat(store.refused()).as("store failures injected").isPositive();
                assertThat(sink.storeRetries()).isPositive();
                report.events(80).faults(store.refused(), "failed store writes during a 7 s outage")
                        .lost(80 - store.count("slow")).figure("max.poll.interval.ms", MAX_POLL_INTERVAL.toMillis())
                        .figure("sink alive after the failed commit", "yes")
                        .figure("store retries", sink.storeRetries()).passed();
            }
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        } finally {
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        }
    }

    /** The points of the test's tenant, or -1 while the outage refuses the count too (as a real one would). */
    private static long countWhenUp(OutageStore store) {
        try {
            return store.count("slow");
        } catch (io.kembed.core.store.VectorStoreException e) {
            return -1;
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int from, int to) throws Exception {
        Random random = new Random(from);
        for (int i = from; i < to; i++) {
            float[] v = new float[8];
            double norm = 0;
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < v.length; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            EntityKey key = EntityKey.contact("slow", "s-" + i);
            EmbeddingRecord r = EmbeddingRecord.upsert(key, 1, "m", 8, Instant.now(), "t",
                    List.of(new ChunkVector(0, 3, false, "snippet " + i, v)), 0);
            producer.send(new ProducerRecord<>(TopicNames.DEFAULT.vectors(Fixtures.MODEL.id()),
                    key.toKafkaKey().getBytes(StandardCharsets.UTF_8), EmbeddingRecordCodec.encode(r)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}

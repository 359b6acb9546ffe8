package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.ConsumerLag;
import io.kembed.core.kafka.DeadLetters;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.EmbedMetrics.Outcome;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.EmbeddingException;
import io.kembed.embed.PassageEncoder;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Poison isolation on a real broker, embed worker, sink and Lucene store. None of the bundled models has a known
 * input that makes ONNX Runtime fail (the bad-input suite's NUL, lone-surrogate, control-character and 3 MiB texts
 * all embed or are rejected earlier), so inference failure is injected through the worker's {@link PassageEncoder}
 * seam: every embedding call whose texts include one marked {@code POISON} throws {@link EmbeddingException}, as an
 * ONNX Runtime error would, while the rest goes to the real model.
 */
class PoisonIsolationIT {

    private static final int CONTACTS = 240;
    private static final int LATER = 40;

    @Test
    void recordsThatFailInference_areIsolatedByBisection_deadLettered_andDoNotBlockTheirPartition() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("bad-input.poison-isolation", "Bad input",
                "Records whose inference fails, among valid ones in the same batches (failure injected for marked "
                        + "texts)");
        Path work = Files.createTempDirectory("kembed-poison-it");
        var spec = ModelRegistry.get("all-minilm-l6-v2-q");
        AtomicInteger failedCalls = new AtomicInteger();
        TopicNames topics = TopicNames.DEFAULT;
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                BiEncoder encoder = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec)
                        .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()));
                VectorStore store = VectorStores.lucene(work.resolve("lucene"), "poison", spec.dims())) {
            TopicAdmin.ensureTopics(admin, topics, new TopicAdmin.Layout(2, (short) 1),
                java.util.List.of(Fixtures.MODEL.id()));
            PassageEncoder poisoned = (texts, lane) -> {
                if (texts.stream().anyMatch(t -> t.contains("POISON"))) {
                    failedCalls.incrementAndGet();
                    throw new EmbeddingException("injected inference failure for a text marked POISON", null);
                }
                return encoder.embedPassages(texts, lane);
            };
            EmbedWorkerConfig config = EmbedWorkerConfig.defaults(kafka.bootstrapServers(), spec, work.resolve("state"))
                    .withStreamThreads(1);
            List<EntityKey> poison = new ArrayList<>();
            List<ContactEvent> backlog = new ArrayList<>();
            List<EntityKey> healthy = new ArrayList<>();
            // the backlog is there before the worker starts, so the buffers fill and flush in full batches of 64
            try (ChangePublisher publisher = new ChangePublisher(PublisherConfig.of(kafka.bootstrapServers()))) {
                for (int i = 0; i < CONTACTS; i++) {
                    boolean bad = i % 37 == 5; // 7 poison records spread over both partitions and several batches
                    ContactEvent e = ContactEvent.upsert("poison-t", "c-" + i, 1, "Person " + i, "Org", "Role",
                            (bad ? "POISON " : "") + "Works on topic number " + i + ".", null);
                    backlog.add(e);
                    (bad ? poison : healthy).add(e.key());
                }
                SlowBatchRebalanceIT.publishAll(publisher, backlog);
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (EmbedWorker worker = EmbedWorker.start(config, encoder, registry, poisoned);
                    SinkWorker sink = SinkWorker.start(SinkWorkerConfig.defaults(kafka.bootstrapServers(), "poison",
                            Fixtures.MODEL.id()),
                            store)) {
                assertThat(LocalPipeline.awaitCondition(() -> store.count("poison-t") == healthy.size(),
                        Duration.ofMinutes(2))).as("every healthy record stored").isTrue();
                // the partitions are not blocked: records published afterwards are embedded too
                try (ChangePublisher publisher = new ChangePublisher(PublisherConfig.of(kafka.bootstrapServers()))) {
                    List<ContactEvent> later = new ArrayList<>();
                    for (int i = 0; i < LATER; i++) {
                        ContactEvent e = ContactEvent.upsert("poison-t", "later-" + i, 1, "Later " + i, "Org",
                                "Role", "Published after the poison.", null);
                        later.add(e);
                        healthy.add(e.key());
                    }
                    // and a fixed new version of a poisoned entity replaces its dead letter
                    later.add(ContactEvent.upsert("poison-t", poison.get(0).id(), 2, "Fixed", "Org", "Role",
                            "No longer poisonous.", null));
                    SlowBatchRebalanceIT.publishAll(publisher, later);
                }
                assertThat(LocalPipeline.awaitCondition(() -> store.count("poison-t") == healthy.size() + 1,
                        Duration.ofMinutes(2))).as("later records stored").isTrue();
                assertThat(LocalPipeline.awaitCondition(() -> ConsumerLag.totalLag(admin, config.applicationId(),
                        topics.changeTopics()) == 0, Duration.ofSeconds(30))).isTrue();

                List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(kafka.bootstrapServers(), poison.size());
                ChangeEventCodec codec = new ChangeEventCodec();
                assertThat(dead).extracting(r -> codec.decodeValue(r.value()).key())
                        .containsExactlyInAnyOrderElementsOf(poison);
                assertThat(dead).allSatisfy(r -> {
                    assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo("EMBED_FAILED");
                    assertThat(DeadLetters.header(r.headers(), DeadLetters.EXCEPTION_CLASS))
                            .endsWith("EmbeddingException");
                });
                Map<EntityKey, Long> versions = store.storedVersions(healthy);
                assertThat(versions).hasSize(healthy.size());
                assertThat(store.storedVersions(poison)).containsOnlyKeys(poison.get(0))
                        .containsEntry(poison.get(0), 2L);
                assertThat(worker.metrics().total(Outcome.DEAD_LETTERED)).isEqualTo(poison.size());
                assertThat(worker.metrics().total(Outcome.EMBEDDED)).isEqualTo(healthy.size() + 1);
                assertThat(worker.metrics().batchSplits()).isPositive();
                assertThat(worker.isRunning()).isTrue();
                assertThat(sink.deadLettered()).as("every vectors record the worker wrote was writable").isZero();
                report.events(CONTACTS + LATER + 1).faults(poison.size(), "records whose inference fails")
                        .lost(healthy.size() - versions.size())
                        .duplicated(worker.metrics().total(Outcome.EMBEDDED) - healthy.size() - 1)
                        .figure("dead-lettered (EMBED_FAILED)", dead.size())
                        .figure("healthy records embedded", worker.metrics().total(Outcome.EMBEDDED))
                        .figure("batch splits", worker.metrics().batchSplits())
                        .figure("failed inference calls", failedCalls.get())
                        .figure("records published after the poison, stored", LATER + "/" + LATER).passed();
            }
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        } finally {
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "poison-dlq-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(TopicNames.DEFAULT.deadLetter()));
            long end = System.currentTimeMillis() + 20_000;
            long quiet = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(end, quiet)) {
                c.poll(Duration.ofMillis(300)).forEach(out::add);
                if (out.size() >= expected && quiet == Long.MAX_VALUE) {
                    quiet = System.currentTimeMillis() + 1_500; // then catch any extra one
                }
            }
        }
        return out;
    }

    static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }
}

package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.ConsumerLag;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.EmbedMetrics.Outcome;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Long batches against a small {@code max.poll.interval.ms}: a backlog of long documents (about 8 chunks each,
 * all-MiniLM-L6-v2 int8, one stream thread per worker) whose buffered flush takes several times the 8 s poll interval
 * of CPU, with a second worker joining the group while the first is busy. Without the flush time budget the first
 * worker's thread would not poll for tens of seconds, be expelled from the group, and its partitions' changes be
 * embedded again by the other worker (its own output aborted); with it, every (entity, version) is embedded exactly
 * once and no thread goes longer than the poll interval between polls. (With the budget switched off, a run of this
 * test expelled the first worker from the group and counted 185 embeddings for the 120 versions.)
 */
class SlowBatchRebalanceIT {

    private static final int DOCUMENTS = 120;
    private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(8);
    private static final List<String> WORDS = List.of("partition", "consumer", "group", "offset", "broker", "replica",
            "leader", "transaction", "vector", "embedding", "latency", "throughput", "batch", "record", "topic",
            "commit", "rebalance", "member", "heartbeat", "session", "retention", "compaction", "segment", "index",
            "search", "tenant", "model", "token", "chunk", "overlap");

    @Test
    void slowBatches_neverOutlastMaxPollInterval_soASecondWorkerJoiningCausesNoDoubleEmbedding() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("long-batches.rebalance", "Long batches",
                "Long-document backlog, max.poll.interval.ms 8 s, a second embed worker joining mid-backlog");
        Path work = Files.createTempDirectory("kembed-slow-batch-it");
        var spec = ModelRegistry.get("all-minilm-l6-v2-q");
        TopicNames topics = TopicNames.DEFAULT;
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                BiEncoder encoder = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec)
                        .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, new TopicAdmin.Layout(4, (short) 1),
                java.util.List.of(Fixtures.MODEL.id()));
            Random random = new Random(42);
            List<io.kembed.core.event.ChangeEvent> events = new java.util.ArrayList<>();
            try (ChangePublisher publisher = new ChangePublisher(PublisherConfig.of(kafka.bootstrapServers()))) {
                for (int i = 0; i < DOCUMENTS; i++) {
                    StringBuilder body = new StringBuilder();
                    for (int w = 0; w < 1_300; w++) {
                        body.append(WORDS.get(random.nextInt(WORDS.size()))).append(w % 17 == 16 ? ". " : " ");
                    }
                    events.add(DocumentEvent.upsert("slow-t", "d-" + i, 1, "Document " + i, body.toString()));
                }
                publishAll(publisher, events);
            }
            // buffers large enough to hold a partition's whole backlog: one flush would be all of it
            EmbedWorkerConfig config = new EmbedWorkerConfig(kafka.bootstrapServers(), null, topics, spec, 500,
                    Duration.ofMillis(500), Duration.ofMillis(200), EmbedWorkerConfig.DEFAULT_CHUNK_OVERLAP_TOKENS,
                    null, work.resolve("state-1"), 1,
                    Map.of("consumer.max.poll.interval.ms", Long.toString(MAX_POLL_INTERVAL.toMillis())));
            assertThat(config.flushBudget()).isEqualTo(MAX_POLL_INTERVAL.dividedBy(2));
            SimpleMeterRegistry r1 = new SimpleMeterRegistry();
            SimpleMeterRegistry r2 = new SimpleMeterRegistry();
            try (EmbedWorker first = EmbedWorker.start(config, encoder, r1)) {
                assertThat(LocalPipeline.awaitCondition(() -> first.metrics().total(Outcome.EMBEDDED) > 0,
                        Duration.ofMinutes(1))).as("first worker started embedding").isTrue();
                EmbedWorkerConfig secondConfig = new EmbedWorkerConfig(config.bootstrapServers(), null, topics, spec,
                        500, config.flushInterval(), config.commitInterval(), config.chunkOverlapTokens(), null,
                        work.resolve("state-2"), 1, config.kafkaProperties());
                try (EmbedWorker second = EmbedWorker.start(secondConfig, encoder, r2)) {
                    assertThat(LocalPipeline.awaitCondition(() -> ConsumerLag.totalLag(admin, config.applicationId(),
                            topics.changeTopics()) == 0 && first.metrics().pending() == 0
                            && second.metrics().pending() == 0, Duration.ofMinutes(3))).as("backlog embedded").isTrue();
                    Map<String, Integer> copies = vectorsPerEntityVersion(kafka.bootstrapServers(), DOCUMENTS);
                    long duplicated = copies.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
                    long embedded = first.metrics().total(Outcome.EMBEDDED) + second.metrics().total(Outcome.EMBEDDED);
                    long deferred = first.metrics().flushesDeferred() + second.metrics().flushesDeferred();
                    Duration maxGap = first.maxPollGap().compareTo(second.maxPollGap()) > 0 ? first.maxPollGap()
                            : second.maxPollGap();
                    assertThat(copies).as("one committed vectors record per document version").hasSize(DOCUMENTS);
                    assertThat(duplicated).as("committed duplicates").isZero();
                    assertThat(embedded).as("embeddings done by both workers (aborted ones count too)")
                            .isEqualTo(DOCUMENTS);
                    assertThat(second.metrics().total(Outcome.EMBEDDED)).as("the second worker took partitions over")
                            .isPositive();
                    assertThat(deferred).as("flushes cut by the time budget: the batches were long").isPositive();
                    assertThat(maxGap).as("longest time between two polls of a stream thread")
                            .isLessThan(MAX_POLL_INTERVAL);
                    assertThat(first.isRunning() && second.isRunning()).isTrue();
                    report.events(DOCUMENTS).faults(1, "second worker joining mid-backlog").lost(DOCUMENTS
                            - copies.size()).duplicated(duplicated)
                            .figure("max.poll.interval.ms", MAX_POLL_INTERVAL.toMillis())
                            .figure("flush budget ms", config.flushBudget().toMillis())
                            .figure("longest poll gap ms", maxGap.toMillis())
                            .figure("flushes cut by the budget", deferred)
                            .figure("embedded by first / second worker", first.metrics().total(Outcome.EMBEDDED)
                                    + " / " + second.metrics().total(Outcome.EMBEDDED))
                            .figure("embeddings beyond one per version", embedded - DOCUMENTS).passed();
                }
            }
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        } finally {
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        }
    }

    /**
     * Publishes every event and waits for each acknowledgement; an event whose send failed (on an overloaded machine
     * the idempotent producer can give up with OutOfOrderSequenceException) is sent again, so the test's input is
     * complete before any worker starts. A second copy of an event would only count as a duplicate downstream.
     */
    static void publishAll(ChangePublisher publisher, List<? extends io.kembed.core.event.ChangeEvent> events)
            throws Exception {
        List<java.util.concurrent.CompletableFuture<?>> sent = new java.util.ArrayList<>();
        for (io.kembed.core.event.ChangeEvent e : events) {
            sent.add(publisher.publish(e));
        }
        publisher.flush();
        for (int i = 0; i < events.size(); i++) {
            for (int attempt = 0; ; attempt++) {
                try {
                    sent.get(i).get(2, java.util.concurrent.TimeUnit.MINUTES);
                    break;
                } catch (java.util.concurrent.ExecutionException failed) {
                    if (attempt >= 5) {
                        throw failed;
                    }
                    sent.set(i, publisher.publish(events.get(i)));
                }
            }
        }
    }

    /** Committed vectors records per "entity@version", read_committed from the start of the vectors topic. */
    private static Map<String, Integer> vectorsPerEntityVersion(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "slow-batch-vectors-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(TopicNames.DEFAULT.vectors(Fixtures.MODEL.id())));
            long end = System.currentTimeMillis() + 30_000;
            long quiet = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(end, quiet)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    EmbeddingRecord e = EmbeddingRecordCodec.decode(r.value());
                    EntityKey k = e.key();
                    out.merge(k.toKafkaKey() + "@" + e.version(), 1, Integer::sum);
                }
                if (out.size() >= expected && quiet == Long.MAX_VALUE) {
                    quiet = System.currentTimeMillis() + 2_000; // then any late duplicate
                }
            }
        }
        return out;
    }
}

package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, rebalance storm: while a publisher keeps sending changes, embed workers (Kafka Streams instances of
 * one application, one stream thread each) and sinks (members of one consumer group) join and leave every 2.5 s,
 * between one and three of each, for 30 s: every change moves partitions, with their embed tasks' state and
 * buffered changes, from member to member. All run in this JVM on the embedded broker (6 partitions) and share the
 * model and the Lucene store. The store must end equal to the latest source state with no (entity, version)
 * committed twice to the vectors topic.
 */
class RebalanceStormIT {

    private static final TopicNames TOPICS = TopicNames.DEFAULT;
    private static final Duration STORM = Duration.ofSeconds(30);
    private static final long CHANGE_EVERY_MS = 2_500;
    /** A member that dies without leaving is noticed in 6 s (the broker's minimum) instead of 45 s. */
    private static final Map<String, Object> KAFKA = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");

    private Path work;
    private EmbeddedKafka kafka;
    private Admin admin;
    private BiEncoder encoder;
    private VectorStore store;
    private ChangePublisher publisher;
    private final Deque<EmbedWorker> workers = new ArrayDeque<>();
    private final Deque<SinkWorker> sinks = new ArrayDeque<>();
    private int workersStarted;
    private int sinksStarted;

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-fault-storm");
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        TopicAdmin.ensureTopics(admin, TOPICS, new TopicAdmin.Layout(6, (short) 1),
                java.util.List.of(Fixtures.MODEL.id()));
        encoder = Fixtures.encoder();
        store = VectorStores.lucene(work.resolve("lucene"), "kembed__faults", encoder.spec().dims());
        publisher = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), TOPICS, Map.of()));
    }

    @AfterEach
    void stop() throws Exception {
        sinks.forEach(SinkWorker::close);
        workers.forEach(EmbedWorker::close);
        Fixtures.closeAll(work, publisher, store, encoder, admin, kafka);
    }

    @Test
    void workersAndSinksJoiningAndLeavingEveryFewSeconds_leaveExactlyTheLatestState() throws Exception {
        Fixtures.record(ReliabilityReport.scenario("fault.6-rebalance-storm", Fixtures.SUITE,
                "Rebalance storm: embed workers and sinks joining and leaving every 2.5 s during ingest"), report -> {
            Workload source = new Workload(publisher, 6, List.of("t-storm-a", "t-storm-b"), 200);
            addWorker();
            addSink();
            source.createAll();
            source.flush();
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                while (publishing.get()) {
                    source.round(0.05);
                    source.flush();
                    sleep(250);
                }
            }, "fault-publisher");
            producer.start();
            Random random = new Random(6);
            int joins = 0;
            int leaves = 0;
            int maxWorkers = 1;
            int maxSinks = 1;
            try {
                long end = System.nanoTime() + STORM.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(CHANGE_EVERY_MS);
                    boolean embedSide = random.nextBoolean();
                    int members = embedSide ? workers.size() : sinks.size();
                    boolean join = members == 1 || (members < 3 && random.nextBoolean());
                    if (embedSide) {
                        if (join) {
                            addWorker();
                        } else {
                            workers.removeFirst().close(); // the longest-running one: it owns the most
                        }
                    } else if (join) {
                        addSink();
                    } else {
                        sinks.removeFirst().close();
                    }
                    joins += join ? 1 : 0;
                    leaves += join ? 0 : 1;
                    maxWorkers = Math.max(maxWorkers, workers.size());
                    maxSinks = Math.max(maxSinks, sinks.size());
                }
            } finally {
                publishing.set(false);
                producer.join(30_000);
            }
            source.flush();
            String appId = workers.getFirst().config().applicationId();
            StoreAudit.Result audit = Fixtures.awaitConverged(source.ledger(), store, admin, appId,
                    sinks.getFirst().groupId(), TOPICS, Duration.ofMinutes(2));
            long topicDuplicates = StoreAudit.vectorsTopicDuplicates(kafka.bootstrapServers(), TOPICS.vectors(Fixtures.MODEL.id()));
            audit = audit.plusDuplicates(topicDuplicates, "(entity, version) records committed twice to the vectors topic");
            audit.into(report.events(source.events()).faults(joins + leaves, "group members joining or leaving"))
                    .figure("joins", joins).figure("leaves", leaves)
                    .figure("embed workers started", workersStarted).figure("sinks started", sinksStarted)
                    .figure("most embed workers / sinks at once", maxWorkers + " / " + maxSinks)
                    .figure("vectors-topic duplicates", topicDuplicates);

            Fixtures.assertClean(audit);
            assertThat(joins).as("joins").isGreaterThanOrEqualTo(3);
            assertThat(leaves).as("leaves").isGreaterThanOrEqualTo(3);
            assertThat(workers).allSatisfy(w -> assertThat(w.isRunning()).isTrue());
            assertThat(sinks).allSatisfy(s -> assertThat(s.failure()).isNull());
        });
    }

    private void addWorker() {
        workersStarted++;
        workers.addLast(EmbedWorker.start(EmbedWorkerConfig.defaults(kafka.bootstrapServers(), encoder.spec(),
                work.resolve("state-" + workersStarted)).withStreamThreads(1).withKafkaProperties(KAFKA), encoder,
                new SimpleMeterRegistry()));
    }

    private void addSink() {
        sinksStarted++;
        sinks.addLast(SinkWorker.start(SinkWorkerConfig.defaults(kafka.bootstrapServers(), store.collection(),
                Fixtures.MODEL.id())
                .withKafkaProperties(KAFKA), store));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

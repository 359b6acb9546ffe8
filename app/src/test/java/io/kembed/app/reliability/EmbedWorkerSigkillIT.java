package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.KembedCli;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, crash: the embed worker runs as a child JVM ({@code kembed worker embed}, as in production) and is
 * killed with SIGKILL ({@link Process#destroyForcibly()}) five times while a publisher keeps sending changes,
 * each kill timed while the worker's current transaction has written vectors it has not committed (the vectors
 * topic's high watermark above its last stable offset), then restarted on the same state directory. The sink and
 * the Lucene store run in this JVM on the embedded broker. Exactly-once must hold: the killed transactions are
 * aborted, their input is processed again by the restarted worker, no (entity, version) is committed twice to the
 * vectors topic, and the store ends equal to the latest source state.
 *
 * <p>The child's consumer session is 6 s (the broker's minimum) instead of 45 s, so the group notices a dead worker
 * quickly; its transaction timeout is 20 s. (Static membership, tried to skip even that wait, made the run slower.)
 */
class EmbedWorkerSigkillIT {

    private static final int KILLS = 5;
    private static final TopicNames TOPICS = TopicNames.DEFAULT;
    private static final String APP_ID = EmbedWorkerConfig.defaultApplicationId(Fixtures.MODEL.id());

    /**
     * The runnable jar the build packages before the integration tests (as {@code kembed} runs it). Not this JVM's
     * class path: a worker JVM started on failsafe's class path crashes (SIGSEGV, no hs_err file) while loading the
     * model's native libraries, where the same worker from the shaded jar runs.
     */
    private static final Path KEMBED_JAR = Path.of("target", "kembed.jar").toAbsolutePath();

    private Path work;
    private EmbeddedKafka kafka;
    private Admin admin;
    private VectorStore store;
    private SinkWorker sink;
    private ChangePublisher publisher;
    private Process child;
    private int started;

    @BeforeEach
    void start() throws IOException {
        assertThat(KEMBED_JAR).as("runnable jar (mvn package runs before the integration tests)").isRegularFile();
        work = Files.createTempDirectory("kembed-fault-sigkill");
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        TopicAdmin.ensureTopics(admin, TOPICS, new TopicAdmin.Layout(4, (short) 1),
                java.util.List.of(Fixtures.MODEL.id()));
        store = VectorStores.lucene(work.resolve("lucene"), "kembed__faults", Fixtures.MODEL.dims());
        sink = SinkWorker.start(SinkWorkerConfig.defaults(kafka.bootstrapServers(), store.collection(),
                Fixtures.MODEL.id()), store);
        publisher = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), TOPICS, Map.of()));
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Fixtures.closeAll(work, publisher, sink, store, admin, kafka);
    }

    @Test
    void sigkilledEmbedWorker_restartedFiveTimes_leavesExactlyTheLatestState() throws Exception {
        Fixtures.record(ReliabilityReport.scenario("fault.1-embed-worker-sigkill", Fixtures.SUITE,
                "Embed-worker JVM killed with SIGKILL mid-transaction, five times, restarted each time"), report -> {
            Workload source = new Workload(publisher, 1, List.of("t-kill-a", "t-kill-b"), 200);
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
            child = startWorker();
            producer.start();
            int midTransaction = 0;
            int kills = 0;
            List<Long> lostOnKill = new ArrayList<>();
            try {
                // Five kills in the middle of a batch: a kill that lands just after the transaction committed (the
                // open transaction seen 5 ms earlier) does not count, and the worker is killed again.
                while (midTransaction < KILLS) {
                    assertThat(kills).as("kills needed for " + KILLS + " in the middle of a batch")
                            .isLessThan(3 * KILLS);
                    kills++;
                    long startHw = offsets(IsolationLevel.READ_UNCOMMITTED);
                    // The worker is up and producing: vectors beyond those before it started.
                    awaitTrue(() -> offsets(IsolationLevel.READ_UNCOMMITTED) > startHw + 20, Duration.ofSeconds(90),
                            "worker " + started + " producing vectors");
                    // In the middle of a batch: its transaction holds vectors that are not committed yet.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (openTransactionRecords() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    child.destroyForcibly();
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("killed worker exited").isTrue();
                    long open = openTransactionRecords();
                    lostOnKill.add(open);
                    if (open > 0) {
                        midTransaction++;
                    }
                    child = startWorker();
                }
            } finally {
                publishing.set(false);
                producer.join(30_000);
            }
            source.flush();
            StoreAudit.Result audit = Fixtures.awaitConverged(source.ledger(), store, admin, APP_ID, sink.groupId(),
                    TOPICS, Duration.ofMinutes(2));
            long topicDuplicates = StoreAudit.vectorsTopicDuplicates(kafka.bootstrapServers(), TOPICS.vectors(Fixtures.MODEL.id()));
            audit = audit.plusDuplicates(topicDuplicates, "(entity, version) records committed twice to the vectors topic");
            audit.into(report.events(source.events()).faults(kills, "SIGKILL of the embed-worker JVM"))
                    .figure("kills with uncommitted vectors in flight", midTransaction)
                    .figure("uncommitted vectors records per kill", lostOnKill)
                    .figure("worker starts", started)
                    .figure("vectors-topic duplicates", topicDuplicates);

            Fixtures.assertClean(audit);
            assertThat(midTransaction).as("kills that left a transaction of vectors open").isPositive();
            assertThat(child.isAlive()).as("last worker still running").isTrue();
            assertThat(sink.failure()).isNull();
        });
    }

    /** A {@code kembed worker embed} child JVM on this JVM's class path, one stream thread, log in the work dir. */
    private Process startWorker() throws IOException {
        started++;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx512m",
                "-cp", KEMBED_JAR.toString(), KembedCli.class.getName(),
                "worker", "embed", "--bootstrap-servers", kafka.bootstrapServers(),
                "--model", Fixtures.MODEL.id(), "--state-dir", work.resolve("state").toString(),
                "--stream-threads", "1", "--no-queries", "--ops-port", "-1",
                "--kafka-property", "session.timeout.ms=6000",
                "--kafka-property", "heartbeat.interval.ms=1000",
                "--kafka-property", "producer.transaction.timeout.ms=20000"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("worker.log").toFile()));
        pb.environment().put("KEMBED_CACHE_DIR", Fixtures.modelCache().toString());
        Files.writeString(work.resolve("worker.log"), "--- worker start " + started + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return pb.start();
    }

    /** Vectors records written but not committed: the high watermark above the last stable offset. */
    private long openTransactionRecords() throws Exception {
        return offsets(IsolationLevel.READ_UNCOMMITTED) - offsets(IsolationLevel.READ_COMMITTED);
    }

    /** Sum over the vectors topic's partitions of its end offsets at {@code isolation}. */
    private long offsets(IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < 4; p++) {
            request.put(new TopicPartition(TOPICS.vectors(Fixtures.MODEL.id()), p), OffsetSpec.latest());
        }
        return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get(30, TimeUnit.SECONDS)
                .values().stream().mapToLong(r -> r.offset()).sum();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private void awaitTrue(Check check, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout + "; worker log:\n" + tail());
            }
            if (!child.isAlive()) {
                throw new AssertionError("worker exited with " + child.exitValue() + ":\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(work.resolve("worker.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

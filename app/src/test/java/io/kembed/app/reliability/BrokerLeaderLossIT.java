package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.embed.BiEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, broker loss: a three-broker KRaft cluster (combined broker/controller nodes, every topic with
 * replication factor 3 and {@code min.insync.replicas=2}, Streams' internal topics and the transaction log too)
 * loses the broker leading partition 0 of the contacts topic in the middle of ingest. The broker is shut down (its
 * controller keeps the KRaft quorum); leadership of its partitions moves to the in-sync followers and producers,
 * the embed worker's transactions and the sink continue on two brokers. The store must end equal to the latest
 * source state, with no (entity, version) committed twice to the vectors topic.
 */
class BrokerLeaderLossIT {

    private static final TopicNames TOPICS = TopicNames.DEFAULT;

    private Path work;
    private EmbeddedKafka kafka;
    private Admin admin;
    private BiEncoder encoder;
    private LocalPipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-fault-broker");
        kafka = EmbeddedKafka.start(3, null, Map.of("min.insync.replicas", "2", "default.replication.factor", "3",
                "transaction.state.log.min.isr", "2"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        encoder = Fixtures.encoder();
        pipeline = LocalPipeline.start(new PipelineOptions(kafka.bootstrapServers(), TOPICS,
                new TopicAdmin.Layout(4, (short) 3), encoder.spec(), work.resolve("lucene"),
                PipelineOptions.defaultCollection(encoder.spec()), work.resolve("state"), Map.of()), encoder);
    }

    @AfterEach
    void stop() throws Exception {
        Fixtures.closeAll(work, pipeline, encoder, admin, kafka);
    }

    @Test
    void partitionLeaderLostDuringIngest_leavesExactlyTheLatestState() throws Exception {
        Fixtures.record(ReliabilityReport.scenario("fault.2-broker-leader-loss", Fixtures.SUITE,
                "Three-broker cluster (RF 3, min.insync.replicas 2) loses a partition leader during ingest"),
                report -> {
            Workload source = new Workload(pipeline.publisher(), 2, List.of("t-broker-a", "t-broker-b"), 200);
            source.createAll();
            source.flush();
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                while (publishing.get()) {
                    source.round(0.08);
                    source.flush();
                    sleep(250);
                }
            }, "fault-publisher");
            producer.start();
            int killed;
            int ledPartitions;
            long appliedAtKill;
            long newLeaders;
            try {
                assertThat(LocalPipeline.awaitCondition(() -> pipeline.sink().pointsWritten() > 200,
                        Duration.ofMinutes(2))).as("ingest under way").isTrue();
                Map<String, TopicDescription> before = describe();
                killed = before.get(TOPICS.contacts()).partitions().get(0).leader().id();
                ledPartitions = partitionsLedBy(before, killed).size();
                appliedAtKill = pipeline.sink().recordsApplied();
                kafka.cluster().brokers().get(killed).shutdown();
                Thread.sleep(10_000); // ingest goes on with two brokers
                Map<String, TopicDescription> after = describe();
                newLeaders = partitionsLedBy(after, killed).size();
            } finally {
                publishing.set(false);
                producer.join(30_000);
            }
            source.flush();
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(3))).as("pipeline drained").isTrue();
            StoreAudit.Result audit = Fixtures.awaitConverged(source.ledger(), pipeline.store(), admin,
                    pipeline.worker().config().applicationId(), pipeline.sink().groupId(), TOPICS, Duration.ofMinutes(1));
            long topicDuplicates = StoreAudit.vectorsTopicDuplicates(kafka.bootstrapServers(), TOPICS.vectors(Fixtures.MODEL.id()));
            audit = audit.plusDuplicates(topicDuplicates, "(entity, version) records committed twice to the vectors topic");
            long appliedAfterKill = pipeline.sink().recordsApplied() - appliedAtKill;
            audit.into(report.events(source.events()).faults(1, "shutdown of the broker leading contacts-0"))
                    .figure("kembed partitions the lost broker led", ledPartitions)
                    .figure("still led by it 10 s later", newLeaders)
                    .figure("vectors records stored after the loss", appliedAfterKill)
                    .figure("vectors-topic duplicates", topicDuplicates);

            Fixtures.assertClean(audit);
            assertThat(ledPartitions).as("partitions led by the lost broker").isPositive();
            assertThat(newLeaders).as("partitions still led by the lost broker").isZero();
            assertThat(appliedAfterKill).as("ingest went on after the loss").isPositive();
            assertThat(pipeline.worker().isRunning()).isTrue();
            assertThat(pipeline.sink().failure()).isNull();
        });
    }

    private Map<String, TopicDescription> describe() throws Exception {
        Set<String> topics = Set.of(TOPICS.contacts(), TOPICS.documents(), TOPICS.vectors(Fixtures.MODEL.id()));
        return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
    }

    private static List<String> partitionsLedBy(Map<String, TopicDescription> topics, int broker) {
        List<String> out = new ArrayList<>();
        topics.forEach((name, d) -> {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() != null && p.leader().id() == broker) {
                    out.add(name + "-" + p.partition());
                }
            }
        });
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kembed.core.kafka;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller) running inside this JVM, for the embedded
 * default ({@code kembed demo}) and the integration tests. Built on Kafka's own {@code KafkaClusterTestKit}; it
 * needs {@code org.apache.kafka:kafka-test-common-runtime} on the class path. Starts in about 2 s.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** One broker, replication factor 1, logs in a temporary directory deleted on close. */
    public static EmbeddedKafka start() {
        return start(1, null, Map.of());
    }

    /**
     * Starts {@code brokers} brokers: one combined broker/controller node for one broker, else {@code brokers}
     * broker nodes and one KRaft controller node of their own, so a broker can be stopped (fault injection) without
     * touching the metadata quorum. (Three combined nodes do not start reliably with Kafka 4.3's test kit: the
     * raft thread failed on an UpdateVoter response, "Received unexpected invalid request error", and topics could
     * not be created.)
     *
     * @param baseDir where the logs go (kept on close), or null for a temporary directory deleted on close
     * @param brokerConfig extra broker properties, for example {@code min.insync.replicas}
     * @throws IllegalStateException if the cluster does not start
     */
    public static EmbeddedKafka start(int brokers, Path baseDir, Map<String, String> brokerConfig) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(brokers == 1)
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(1);
            if (baseDir != null) {
                nodes.setBaseDirectory(baseDir);
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build())
                    .setDeleteOnClose(baseDir == null)
                    .setConfigProp("offsets.topic.replication.factor", Integer.toString(Math.min(brokers, 3)))
                    .setConfigProp("transaction.state.log.replication.factor", Integer.toString(Math.min(brokers, 3)))
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("log.cleaner.backoff.ms", "1000");
            brokerConfig.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start embedded Kafka: " + e.getMessage(), e);
        }
    }

    /** The test kit's formatter prints its bootstrap metadata to stdout; keep stdout for command output. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        synchronized (EmbeddedKafka.class) {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /** {@code host:port,...} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The underlying test kit, for fault injection ({@code cluster().brokers().get(id).shutdown()}). */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop embedded Kafka cleanly", e);
        }
    }
}

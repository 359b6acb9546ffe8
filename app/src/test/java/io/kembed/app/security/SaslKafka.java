package io.kembed.app.security;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft cluster (Kafka's {@code KafkaClusterTestKit}) whose only client listener,
 * {@value #LISTENER}, is {@code SASL_SSL} with mechanism {@code PLAIN}: a client needs both the right user and
 * password and a trust store holding the broker's certificate (self-signed for {@code localhost} and 127.0.0.1,
 * made with the JDK's {@code keytool}). The users are set on the listener with
 * {@code listener.name.external.plain.sasl.jaas.config} ({@code user_<name>="<password>"} entries, as Kafka's own
 * SASL tests do); the broker authenticates to itself as {@value #BROKER_USER}. The controller listener stays
 * plaintext (it is not a client listener). No authorizer runs: an authenticated user may do everything kembed's
 * clients do (create topics, produce transactionally, join groups).
 */
final class SaslKafka implements AutoCloseable {

    static final String LISTENER = "EXTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** kembed's user. */
    static final String USER = "kembed";
    /** The broker's own user on the listener (inter-broker traffic). */
    static final String BROKER_USER = "plain-admin";
    private static final String BROKER_PASSWORD = "plain-admin-secret";

    private final KafkaClusterTestKit cluster;
    private final Path trustStore;

    private SaslKafka(KafkaClusterTestKit cluster, Path trustStore) {
        this.cluster = cluster;
        this.trustStore = trustStore;
    }

    /**
     * Starts the cluster with users {@value #BROKER_USER} and {@value #USER} (password {@code password}); key and
     * trust stores go to {@code dir}, protected by {@code storePassword}.
     */
    static SaslKafka start(String password, String storePassword, Path dir) throws Exception {
        Path keyStore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path trustStore = dir.resolve("kafka-truststore.p12");
        keytool(dir, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", storePassword, "-keypass", storePassword);
        keytool(dir, "-exportcert", "-alias", "broker", "-rfc", "-file", cert.toString(), "-keystore",
                keyStore.toString(), "-storepass", storePassword);
        keytool(dir, "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-storetype",
                "PKCS12", "-keystore", trustStore.toString(), "-storepass", storePassword);

        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBrokerListenerName(new ListenerName(LISTENER))
                .setControllerListenerName(new ListenerName(CONTROLLER_LISTENER))
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build();
        String l = "listener.name." + LISTENER.toLowerCase() + ".";
        Map<String, String> config = new LinkedHashMap<>();
        // The test kit's nodes know PLAINTEXT and SASL_PLAINTEXT only; its builder keeps a protocol map it is given.
        config.put("listener.security.protocol.map", LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put(l + "plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER_USER
                        + "\" password=\"" + BROKER_PASSWORD + "\" user_" + BROKER_USER + "=\"" + BROKER_PASSWORD
                        + "\" user_" + USER + "=\"" + password + "\";");
        for (String prefix : new String[] {l, ""}) { // the listener's server side and the broker's own client side
            config.put(prefix + "ssl.keystore.location", keyStore.toString());
            config.put(prefix + "ssl.keystore.password", storePassword);
            config.put(prefix + "ssl.key.password", storePassword);
            config.put(prefix + "ssl.keystore.type", "PKCS12");
            config.put(prefix + "ssl.truststore.location", trustStore.toString());
            config.put(prefix + "ssl.truststore.password", storePassword);
            config.put(prefix + "ssl.truststore.type", "PKCS12");
        }
        // Authentication is under test, not authorisation: no authorizer (the test kit sets one for SASL whose only
        // super user is the broker's SASL user, while its controller listener is PLAINTEXT).
        config.put("authorizer.class.name", "");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        config.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // format() prints metadata
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new SaslKafka(cluster, trustStore);
    }

    private static void keytool(Path dir, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("keytool"));
        cmd.addAll(java.util.List.of(args));
        Path out = dir.resolve("keytool.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + java.nio.file.Files.readString(out));
        }
    }

    /** {@code host:port} of the SASL_SSL listener. */
    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The PKCS#12 trust store holding the broker's certificate. */
    Path trustStore() {
        return trustStore;
    }

    /**
     * Client properties for user {@code user} with {@code password}, trusting the broker through
     * {@link #trustStore()}, as a {@code --kafka-config} file holds them.
     */
    Map<String, String> clientProperties(String user, String password, String storePassword) {
        Map<String, String> p = new LinkedHashMap<>(saslOnly(user, password));
        p.put("ssl.truststore.location", trustStore.toString());
        p.put("ssl.truststore.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    /** SASL_SSL client properties without a trust store: the broker's certificate is not trusted. */
    static Map<String, String> saslOnly(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

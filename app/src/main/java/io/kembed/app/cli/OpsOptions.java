package io.kembed.app.cli;

import io.kembed.core.ops.ConsumerLagGauges;
import io.kembed.core.ops.OpsServer;
import io.kembed.core.ops.WorkerHealth;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** The operations endpoints of a worker: {@code /metrics}, {@code /health}, {@code /ready}, {@code /live}. */
public final class OpsOptions {

    @Option(names = "--ops-port", defaultValue = "${env:KEMBED_OPS_PORT:-" + OpsServer.DEFAULT_PORT + "}",
            description = "Port of /metrics, /health, /ready and /live (default: ${DEFAULT-VALUE}; 0 picks a free "
                    + "port; -1 turns them off).")
    int opsPort;

    @Option(names = "--lag-interval", defaultValue = "${env:KEMBED_LAG_INTERVAL:-PT15S}",
            description = "How often the consumer-group lag gauges are read from the cluster, ISO-8601 "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration lagInterval;

    /**
     * A Prometheus registry with the JVM's meters and a {@code worker} tag on every meter, so one dashboard can
     * tell the worker types apart.
     */
    static PrometheusMeterRegistry registry(String worker) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("worker", worker);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /** What a running worker's operations side holds: the HTTP server and the lag readers. */
    static final class Running implements AutoCloseable {
        private final OpsServer server;
        private final List<AutoCloseable> owned;

        Running(OpsServer server, List<AutoCloseable> owned) {
            this.server = server;
            this.owned = owned;
        }

        /** @return the bound port, or -1 when the endpoints are off */
        int port() {
            return server == null ? -1 : server.port();
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing on the way out: nothing left to do about it
                    org.slf4j.LoggerFactory.getLogger(OpsOptions.class).debug("close failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Starts the lag gauges of one consumer group and the endpoints, and prints where they listen.
     *
     * @param groupId the group whose lag is shown (for the embed worker its Streams {@code application.id})
     * @throws java.io.UncheckedIOException if the port cannot be bound
     */
    Running start(PrometheusMeterRegistry registry, WorkerHealth health, KafkaOptions kafka, String groupId,
            Collection<String> topics) {
        List<AutoCloseable> owned = new ArrayList<>();
        Map<String, Object> adminProps = new HashMap<>(kafka.clientProperties());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.requireBootstrapServers());
        owned.add(ConsumerLagGauges.start(adminProps, groupId, topics, registry, lagInterval));
        if (opsPort < 0) {
            return new Running(null, owned);
        }
        OpsServer server = OpsServer.start(opsPort, registry, health);
        System.out.printf("ops endpoints on http://0.0.0.0:%d (%s %s %s %s)%n", server.port(),
                OpsServer.METRICS_PATH, OpsServer.HEALTH_PATH, OpsServer.READY_PATH, OpsServer.LIVE_PATH);
        return new Running(server, owned);
    }
}

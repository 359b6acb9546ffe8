package io.kembed.core.ops;

import io.kembed.core.kafka.ConsumerLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer-group lag as gauges, per partition: {@code kembed_consumer_lag_records{group,topic,partition}}, the
 * read-committed end offset minus the group's committed offset ({@link ConsumerLag#lag}). This is the number
 * KEDA's {@code kafka} trigger scales on, so the dashboard shows what the autoscaler sees. Read with an
 * {@link Admin} client every {@code interval} on a daemon thread (a gauge read never calls the cluster); a
 * partition keeps its last value when a refresh fails, and {@code kembed_consumer_lag_refresh_failures_total}
 * counts the failures.
 */
public final class ConsumerLagGauges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagGauges.class);

    /** Default time between two reads of the group's lag: a Prometheus scrape interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

    private final Admin admin;
    private final String groupId;
    private final List<String> topics;
    private final MeterRegistry registry;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Counter failures;
    private final ScheduledExecutorService scheduler;

    private ConsumerLagGauges(Admin admin, String groupId, Collection<String> topics, MeterRegistry registry) {
        this.admin = admin;
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.registry = registry;
        this.failures = Counter.builder("kembed.consumer.lag.refresh.failures")
                .description("reads of a consumer group's lag that failed").tag("group", groupId).register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kembed-lag-" + groupId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reads the lag now and then every {@code interval}.
     *
     * @param adminProperties Admin client properties: {@code bootstrap.servers} and any security settings
     * @param groupId the consumer group (for Kafka Streams: the {@code application.id})
     * @param topics the topics the group reads
     * @param interval time between reads, at least 1 s
     * @throws IllegalArgumentException if the interval is under 1 s
     */
    public static ConsumerLagGauges start(Map<String, Object> adminProperties, String groupId,
            Collection<String> topics, MeterRegistry registry, Duration interval) {
        Objects.requireNonNull(groupId, "groupId");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("interval must be >= 1 s, got " + interval);
        }
        ConsumerLagGauges gauges = new ConsumerLagGauges(Admin.create(adminProperties), groupId, topics, registry);
        gauges.scheduler.scheduleWithFixedDelay(gauges::refreshQuietly, 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return gauges;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("cannot read the lag of consumer group {}: {}", groupId, e.getMessage());
        }
    }

    /**
     * Reads the lag once and updates the gauges, registering one for each partition seen for the first time.
     *
     * @throws IllegalStateException if the cluster does not answer within 30 s
     */
    public void refresh() {
        ConsumerLag.lag(admin, groupId, topics).forEach((tp, records) -> lag.computeIfAbsent(tp, this::register)
                .set(records));
    }

    private AtomicLong register(TopicPartition tp) {
        AtomicLong value = new AtomicLong();
        Gauge.builder("kembed.consumer.lag", value, AtomicLong::get)
                .description("records not yet consumed and committed by the group (read-committed end offset "
                        + "minus committed offset)")
                .baseUnit("records")
                .tag("group", groupId).tag("topic", tp.topic()).tag("partition", Integer.toString(tp.partition()))
                .register(registry);
        return value;
    }

    /** The last lag read per partition, in records. */
    public Map<TopicPartition, Long> lastLag() {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        lag.forEach((tp, v) -> out.put(tp, v.get()));
        return out;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}

package io.kembed.sink;

import io.kembed.core.kafka.DeadLetters;
import io.kembed.core.ops.HealthCheck;
import io.kembed.core.ops.Redaction;
import io.kembed.core.ops.WorkerHealth;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the vectors topic (read-committed: only vectors of committed embed transactions) and writes them to a
 * {@link VectorStore}. Offsets are committed only after the store has made the batch durable, so a crash
 * replays at most the last batch, which point ids make idempotent. Writes are conditional on the stored version
 * ({@link SinkBatch}): an entity's record older than what the store holds is skipped, so the store keeps the
 * newest state even when records arrive out of version order (after partitions are added). A store failure is retried with exponential
 * backoff, never skipped; a record that cannot be decoded goes to the dead-letter topic.
 *
 * <p>Runs its poll loop on its own thread; {@link #close()} stops it with {@code wakeup()} after the batch in
 * hand is written.
 */
public final class SinkWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);

    private final SinkWorkerConfig config;
    private final VectorStore store;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> dlqProducer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final AtomicLong pointsWritten = new AtomicLong();
    private final AtomicLong recordsApplied = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong staleSkipped = new AtomicLong();
    private final AtomicLong storeRetries = new AtomicLong();
    private final AtomicLong otherTenant = new AtomicLong();
    /** Offsets this member last committed, so an idle poll commits only when a position moved. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    /** Tenants written since the last commit (poll thread only). */
    private final Set<String> uncommittedTenants = new java.util.TreeSet<>();
    private long lastCommitNanos = System.nanoTime();
    private final List<Consumer<Set<String>>> tenantListeners = new CopyOnWriteArrayList<>();
    private final SinkMetrics metrics;
    private final List<KafkaClientMetrics> clientMetrics;
    private volatile Throwable failure;
    /** Partitions of the vectors topic this member owns now, readable from any thread. */
    private volatile Set<TopicPartition> assignment = Set.of();

    private SinkWorker(SinkWorkerConfig config, VectorStore store, MeterRegistry registry) {
        this.config = config;
        this.store = store;
        this.consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.dlqProducer = new KafkaProducer<>(producerProperties(config), new ByteArraySerializer(),
                new ByteArraySerializer());
        this.thread = new Thread(this::run, "kembed-sink-" + store.collection());
        this.metrics = new SinkMetrics(registry, store.collection());
        // Kafka's own client metrics (fetch rate, records-lag per partition, request latency) as kafka_consumer_*
        // and kafka_producer_* meters.
        this.clientMetrics = List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(dlqProducer));
        clientMetrics.forEach(m -> m.bindTo(registry));
    }

    /**
     * Starts consuming on a new thread, with its meters in a private registry.
     *
     * @param store the target store; owned by the caller
     */
    public static SinkWorker start(SinkWorkerConfig config, VectorStore store) {
        return start(config, store, new SimpleMeterRegistry());
    }

    /**
     * Starts consuming on a new thread.
     *
     * @param store the target store; owned by the caller
     * @param registry where the sink's meters go (see {@link SinkMetrics}), with the Kafka clients' own metrics
     */
    public static SinkWorker start(SinkWorkerConfig config, VectorStore store, MeterRegistry registry) {
        SinkWorker worker = new SinkWorker(config, store, registry);
        LOG.info("sink starting: {} -> collection {}", config, store.collection());
        worker.thread.start();
        return worker;
    }

    /**
     * Starts consuming on a new thread, with a tenant listener registered before the first poll, so that no batch
     * is stored unannounced (see {@link #onTenantsWritten}).
     *
     * @param store the target store; owned by the caller
     * @param registry where the sink's meters go (see {@link SinkMetrics})
     * @param tenantsWritten called after each durable batch with the tenants it touched
     */
    public static SinkWorker start(SinkWorkerConfig config, VectorStore store, MeterRegistry registry,
            Consumer<Set<String>> tenantsWritten) {
        SinkWorker worker = new SinkWorker(config, store, registry);
        worker.onTenantsWritten(tenantsWritten);
        LOG.info("sink starting: {} -> collection {}", config, store.collection());
        worker.thread.start();
        return worker;
    }

    /**
     * The sink's checks for {@link io.kembed.core.ops.OpsServer}. Ready: partitions of the vectors topic are
     * assigned and the store answers a count. Live: the poll thread runs (it stops for good on an unexpected error;
     * a restart is the cure).
     */
    public WorkerHealth health() {
        HealthCheck partitions = () -> {
            Set<TopicPartition> owned = assignment;
            return HealthCheck.Result.of(!owned.isEmpty(), owned.size() + " partitions of "
                    + config.vectorsTopic() + " assigned to group " + config.groupId());
        };
        HealthCheck storeReachable = () -> {
            store.count(HEALTH_PROBE_TENANT); // a real round trip to Qdrant; a local read for Lucene
            return HealthCheck.Result.up("collection " + store.collection() + " answers");
        };
        HealthCheck pollThread = () -> {
            Throwable f = failure;
            if (f != null) {
                return HealthCheck.Result.down("poll loop stopped: " + f);
            }
            return HealthCheck.Result.of(thread.isAlive(), thread.isAlive() ? "poll loop running" : "poll loop ended");
        };
        return new WorkerHealth(Map.of("sink.partitions", partitions, "sink.store", storeReachable),
                Map.of("sink.thread", pollThread));
    }

    /** A tenant no event can have (ids are never empty): counting it checks the store answers, cheaply. */
    static final String HEALTH_PROBE_TENANT = "__kembed_health_probe__";

    /** Partitions of the vectors topic this member owns now (empty before it joins the group). */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** Called after each batch is durable with the tenants it touched (to invalidate their search caches). */
    public void onTenantsWritten(Consumer<Set<String>> listener) {
        tenantListeners.add(listener);
    }

    static Properties consumerProperties(SinkWorkerConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
        // A sink started before `kembed topics` must wait for the vectors topic, not create it with the broker's
        // defaults (delete policy, 1 MiB records), which `kembed topics --check` would then report forever.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.kafkaProperties().forEach(p::put);
        return p;
    }

    static Properties producerProperties(SinkWorkerConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        config.kafkaProperties().forEach((k, v) -> {
            if (!ConsumerConfig.configNames().contains(k) || ProducerConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(config.vectorsTopic()), new RebalanceLogger());
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    SinkBatch batch = new SinkBatch();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        decodeInto(batch, r);
                    }
                    long started = System.nanoTime();
                    SinkBatch.Applied[] applied = new SinkBatch.Applied[1];
                    retrying(() -> applied[0] = batch.applyTo(store));
                    pointsWritten.addAndGet(applied[0].points());
                    staleSkipped.addAndGet(applied[0].stale());
                    metrics.applied(records.count(), applied[0].stale(), applied[0].points(),
                            System.nanoTime() - started);
                    Instant now = Instant.now();
                    batch.occurredAt().forEach(at -> metrics.stored(at, now));
                    uncommittedTenants.addAll(batch.tenants());
                    recordsApplied.addAndGet(records.count());
                }
                // Commit when idle, or at most every commitInterval under load: each store commit (a Lucene
                // commit with fsync and new segments) is costly, and redelivery after a crash is idempotent.
                if (records.isEmpty() || System.nanoTime() - lastCommitNanos >= config.commitInterval().toNanos()) {
                    commit();
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                failure = e;
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("sink stopped by an unexpected error", e);
        } finally {
            clientMetrics.forEach(KafkaClientMetrics::close);
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            dlqProducer.close(Duration.ofSeconds(10));
        }
    }

    /** Makes the writes so far durable, then commits the consumer positions and tells the tenant listeners. */
    private void commit() throws InterruptedException {
        if (!uncommittedTenants.isEmpty()) {
            retrying(store::flush);
        }
        commitAdvancedPositions();
        lastCommitNanos = System.nanoTime();
        if (!uncommittedTenants.isEmpty()) {
            Set<String> tenants = Set.copyOf(uncommittedTenants);
            uncommittedTenants.clear();
            tenantListeners.forEach(l -> l.accept(tenants));
        }
    }

    private void decodeInto(SinkBatch batch, ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.value() == null) {
                return; // a tombstone on the vectors topic: nothing to write (deletes travel as records)
            }
            if (config.tenant() != null && !config.tenant().equals(io.kembed.core.event.EntityKey.tenantOfKafkaKey(
                    r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)))) {
                otherTenant.incrementAndGet();
                return; // a tenant re-embed's sink: another tenant's vector, written by its own sink
            }
            EmbeddingRecord rec = EmbeddingRecordCodec.decode(r.value());
            if (rec.dims() != store.dims()) {
                throw new IllegalArgumentException("record has " + rec.dims() + " dims, collection "
                        + store.collection() + " has " + store.dims());
            }
            batch.add(rec);
        } catch (RuntimeException e) {
            deadLettered.incrementAndGet();
            metrics.deadLettered("BAD_VECTORS");
            LOG.warn("dead-lettering {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            dlqProducer.send(DeadLetters.of(config.topics().deadLetter(), "sink", r, "BAD_VECTORS", e));
            dlqProducer.flush();
        }
    }

    /** Runs a store operation until it succeeds, backing off exponentially; a closing sink gives up. */
    private void retrying(Runnable storeOperation) throws InterruptedException {
        long backoff = config.retryBackoffMin().toMillis();
        while (true) {
            try {
                storeOperation.run();
                return;
            } catch (VectorStoreException e) {
                storeRetries.incrementAndGet();
                metrics.retried();
                LOG.warn("vector store failed ({}); retrying in {} ms", e.getMessage(), backoff);
                if (!running.get()) {
                    throw new InterruptedException("sink closing; batch left uncommitted for redelivery");
                }
                Thread.sleep(backoff);
                backoff = Math.min(config.retryBackoffMax().toMillis(), Math.max(1, backoff * 2));
            }
        }
    }

    /**
     * The consumer's positions on the partitions of this poll. On a transactional topic the position is past the
     * commit marker that follows the last record, so committing it (not last offset + 1) leaves no phantom lag.
     */
    private void commitAdvancedPositions() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            long position = consumer.position(tp);
            Long last = committed.get(tp);
            if (last == null || last != position) {
                offsets.put(tp, new OffsetAndMetadata(position));
            }
        }
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets);
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // This member left the group (its batch outlasted max.poll.interval.ms, for example while the store
                // was down and writes were retried) or a rebalance is under way: the partitions may be another
                // member's now, which replays from the last committed offset. What this member wrote is durable,
                // idempotent and version-conditional, so the replay is harmless; the next poll rejoins the group.
                // Stopping the sink for this, as an unexpected error would, would lose a worker to a slow store.
                LOG.warn("sink offsets not committed ({}); the records are redelivered to the partitions' owner",
                        e.toString());
                offsets.keySet().forEach(committed::remove);
                return;
            }
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        }
    }

    /** Points written to the store so far. */
    public long pointsWritten() {
        return pointsWritten.get();
    }

    /** Vectors-topic records consumed and committed so far. */
    public long recordsApplied() {
        return recordsApplied.get();
    }

    /** Records skipped because the store (or the same poll) held a higher version of their entity. */
    public long staleSkipped() {
        return staleSkipped.get();
    }

    /** Records of other tenants skipped by a one-tenant sink ({@link SinkWorkerConfig#tenant()}). */
    public long otherTenantSkipped() {
        return otherTenant.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public long storeRetries() {
        return storeRetries.get();
    }

    public String groupId() {
        return config.groupId();
    }

    /** The configuration this sink runs with (its group, its vectors topic). */
    public SinkWorkerConfig config() {
        return config;
    }

    /** The error that stopped the poll loop, or null while it runs or after a clean close. */
    public Throwable failure() {
        return failure;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class RebalanceLogger implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(committed::remove);
            Set<TopicPartition> now = new java.util.HashSet<>(assignment);
            now.removeAll(partitions);
            assignment = Set.copyOf(now);
            LOG.warn("sink partitions lost: {}", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(); // hand over a clean position: what was written is durable and committed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            partitions.forEach(committed::remove);
            Set<TopicPartition> now = new java.util.HashSet<>(assignment);
            now.removeAll(partitions);
            assignment = Set.copyOf(now);
            LOG.info("sink partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<TopicPartition> now = new java.util.HashSet<>(assignment);
            now.addAll(partitions);
            assignment = Set.copyOf(now);
            LOG.info("sink partitions assigned: {}", partitions);
        }
    }
}

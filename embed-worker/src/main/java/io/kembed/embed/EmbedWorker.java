package io.kembed.embed;

import io.kembed.core.ops.HealthCheck;
import io.kembed.core.ops.WorkerHealth;
import io.kembed.embed.stream.EmbedTopology;
import io.kembed.embed.stream.PollClock;
import io.kembed.embed.stream.PollTrackingClientSupplier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embed worker instance: a Kafka Streams application that reads the compacted change topics, embeds what
 * changed with a {@link BiEncoder}, and writes {@code vectors.v1} records, with vectors, dead letters, state and
 * input offsets committed atomically (exactly-once v2). Instances with the same application id share the
 * partitions (cooperative rebalancing); throughput scales with partitions and instances.
 *
 * <pre>{@code
 * try (BiEncoder encoder = BiEncoder.load(ModelRegistry.get("bge-small-en-v1.5-q"), BiEncoderOptions.defaults());
 *      EmbedWorker worker = EmbedWorker.start(EmbedWorkerConfig.defaults("localhost:9092", encoder.spec(), dir),
 *              encoder, registry)) {
 *     worker.awaitShutdown();
 * }
 * }</pre>
 *
 * <p>Every ONNX run of the bulk path passes {@link #priorityGate()}, so that query embedding served from the same
 * process ({@code QueryEmbedServer} with this gate) goes before the backlog.
 */
public final class EmbedWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedWorker.class);

    /** How long {@link #close()} waits for the current batch to finish and commit. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaStreams streams;
    private final EmbedMetrics metrics;
    private final EmbedWorkerConfig config;
    private final PriorityGate gate;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final BiEncoder encoder;
    private final BiEncoder.InferenceListener inferenceListener;
    private final KafkaStreamsMetrics streamsMetrics;
    private final PollClock pollClock;

    private EmbedWorker(KafkaStreams streams, EmbedMetrics metrics, EmbedWorkerConfig config, BiEncoder encoder,
            MeterRegistry registry, PriorityGate gate, PollClock pollClock) {
        this.streams = streams;
        this.pollClock = pollClock;
        io.micrometer.core.instrument.Gauge.builder("kembed.embed.poll.gap.max", pollClock,
                c -> c.maxGapNanos() / 1e9).baseUnit("seconds")
                .description("longest time between two polls of a stream thread's consumer since the start; must stay "
                        + "below max.poll.interval.ms").tag("model", config.model().id()).register(registry);
        this.gate = gate;
        this.metrics = metrics;
        this.config = config;
        this.encoder = encoder;
        this.inferenceListener = metrics::inference;
        encoder.addInferenceListener(inferenceListener);
        // Kafka Streams' own metrics (per thread, task and client: process rate, commit latency, records-lag of
        // the embedded consumers) as kafka_stream_* meters.
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    /**
     * Starts the worker; returns once the Streams threads run (partitions are assigned asynchronously).
     *
     * @param encoder the bi-encoder; must be {@code config.model()}; owned by the caller
     * @throws IllegalArgumentException if the encoder's model is not the configured one
     */
    public static EmbedWorker start(EmbedWorkerConfig config, BiEncoder encoder, MeterRegistry registry) {
        return start(config, encoder, registry, encoder::embedPassages);
    }

    /**
     * Starts the worker with the bulk path's embedding call wrapped: a seam for tests that make inference fail for
     * chosen texts (poison isolation). Production code uses {@link #start(EmbedWorkerConfig, BiEncoder,
     * MeterRegistry)}.
     *
     * @param encoder the bi-encoder; must be {@code config.model()}; owned by the caller; it also chunks documents
     * @param passages embeds the passages of a flush, normally {@code encoder::embedPassages}
     * @throws IllegalArgumentException if the encoder's model is not the configured one
     */
    public static EmbedWorker start(EmbedWorkerConfig config, BiEncoder encoder, MeterRegistry registry,
            PassageEncoder passages) {
        if (!encoder.spec().id().equals(config.model().id())) {
            throw new IllegalArgumentException("encoder runs " + encoder.spec().id() + " but the worker is configured for "
                    + config.model().id());
        }
        EmbedMetrics metrics = new EmbedMetrics(registry, config.model().id());
        PriorityGate gate = config.interactiveLane() ? PriorityGate.create() : PriorityGate.disabled();
        PollClock pollClock = new PollClock();
        KafkaStreams streams = new KafkaStreams(EmbedTopology.build(config, encoder, passages, metrics,
                gate.bulkLane()), streamsProperties(config), new PollTrackingClientSupplier(pollClock));
        EmbedWorker worker = new EmbedWorker(streams, metrics, config, encoder, registry, gate, pollClock);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("embed worker stream thread failed; replacing the thread", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("embed worker {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING && LOG.isInfoEnabled()) {
                // which change-topic partitions each stream thread of this process owns after the rebalance
                streams.metadataForLocalThreads().forEach(t -> LOG.info("embed worker thread {} owns {}",
                        t.threadName(), t.activeTasks().stream().flatMap(task -> task.topicPartitions().stream())
                                .map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList()));
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                worker.stopped.countDown();
            }
        });
        LOG.info("embed worker starting: {}", config);
        streams.start();
        return worker;
    }

    static Properties streamsProperties(EmbedWorkerConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitInterval().toMillis()));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.streamThreads()));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        // A flush of a full buffer takes a few seconds of CPU at most; five minutes leaves a wide margin.
        // Flushes stop starting work at EmbedWorkerConfig.flushBudget(), half of this, so a slow batch never makes
        // the consumer miss it (and its partitions be embedded twice).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                Long.toString(EmbedWorkerConfig.DEFAULT_MAX_POLL_INTERVAL.toMillis()));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // Streams' exactly-once default is 10 s; a transaction spans at least one flush (up to 64 texts per task,
        // several seconds of CPU on 2 cores), and a longer one would be aborted and its batch embedded again.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                Long.toString(EmbedWorkerConfig.DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
        // Matches the topics' max.message.bytes (4 MiB): a long document's chunk vectors travel in one record.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Integer.toString(4 * 1024 * 1024));
        p.putAll(config.kafkaProperties());
        return p;
    }

    public EmbedMetrics metrics() {
        return metrics;
    }

    /**
     * The gate every bulk ONNX run of this worker passes ({@link PriorityGate#disabled()} when
     * {@link EmbedWorkerConfig#interactiveLane()} is off); give it to a query server in the same process
     * ({@code io.kembed.embed.query.QueryEmbedServer}) so that queries go first.
     */
    public PriorityGate priorityGate() {
        return gate;
    }

    /**
     * @return the longest time between two polls of any of this worker's stream threads since the start, measured
     *     from one poll's return to the next's; stays below {@code max.poll.interval.ms} when flushes keep to
     *     {@link EmbedWorkerConfig#flushBudget()}
     */
    public Duration maxPollGap() {
        return Duration.ofNanos(pollClock.maxGapNanos());
    }

    public EmbedWorkerConfig config() {
        return config;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** True once the worker has partitions assigned and is processing. */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Input partitions (change topics) of the active tasks on this instance now. */
    public Set<org.apache.kafka.common.TopicPartition> assignment() {
        Set<org.apache.kafka.common.TopicPartition> owned = new java.util.HashSet<>();
        streams.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task ->
                owned.addAll(task.topicPartitions())));
        return owned;
    }

    /**
     * The embed worker's checks for {@link io.kembed.core.ops.OpsServer}. Ready: the model is loaded (the encoder
     * is open), Kafka Streams is {@code RUNNING} (state stores restored) and has input partitions assigned. Live:
     * Kafka Streams is not {@code ERROR}, {@code PENDING_ERROR} or {@code NOT_RUNNING} (a dead stream thread is
     * replaced, so only a client that gave up fails this).
     */
    public WorkerHealth health() {
        HealthCheck model = () -> HealthCheck.Result.of(encoder.isOpen(),
                "model " + encoder.spec().id() + (encoder.isOpen() ? " loaded" : " closed"));
        HealthCheck running = () -> {
            KafkaStreams.State state = streams.state();
            return HealthCheck.Result.of(state == KafkaStreams.State.RUNNING, "kafka streams " + state);
        };
        HealthCheck partitions = () -> {
            int owned = assignment().size();
            return HealthCheck.Result.of(owned > 0, owned + " change-topic partitions assigned to "
                    + config.applicationId());
        };
        HealthCheck alive = () -> {
            KafkaStreams.State state = streams.state();
            boolean dead = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING;
            return HealthCheck.Result.of(!dead, "kafka streams " + state);
        };
        return new WorkerHealth(Map.of("embed.model", model, "embed.streams", running, "embed.partitions",
                partitions), Map.of("embed.streams", alive));
    }

    /** Blocks until the worker stops (closed, or failed for good). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** @return true if the worker stopped within the timeout */
    public boolean awaitShutdown(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops gracefully: the batch in progress either finishes and commits, or its transaction aborts and its
     * changes are embedded again after restart; never half-committed. Leaves the consumer group at once so its
     * partitions move to the other instances.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        encoder.removeInferenceListener(inferenceListener);
        streamsMetrics.close();
        stopped.countDown();
    }
}

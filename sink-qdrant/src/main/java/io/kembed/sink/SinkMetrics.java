package io.kembed.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The sink's meters, tagged with the target collection. In Prometheus: {@code kembed_sink_records_total{outcome}}
 * ({@code applied}, or {@code stale}: older than the version stored or another record of the poll),
 * {@code kembed_sink_points_total}, {@code kembed_sink_poll_records} (records per poll),
 * {@code kembed_sink_store_write_seconds}, {@code kembed_sink_store_retries_total},
 * {@code kembed_dlq_records_total{stage="sink",reason}} and {@code kembed_pipeline_latency_seconds}: from the
 * change event's {@code occurredAt} (set upstream) to its vectors written to the store.
 */
final class SinkMetrics {

    /**
     * Shared with the embed worker's dead letters: one family, told apart by {@code stage} and {@code reason} only
     * (Prometheus wants one set of label names per family).
     */
    static final String DEAD_LETTERS = "kembed.dlq.records";

    private final MeterRegistry registry;
    private final Counter records;
    private final Counter stale;
    private final Counter points;
    private final Counter retries;
    private final DistributionSummary pollSize;
    private final Timer storeWrite;
    private final Timer pipelineLatency;

    SinkMetrics(MeterRegistry registry, String collection) {
        this.registry = registry;
        records = Counter.builder("kembed.sink.records").description("vectors-topic records consumed, by outcome")
                .baseUnit("records").tag("collection", collection).tag("outcome", "applied").register(registry);
        stale = Counter.builder("kembed.sink.records").description("vectors-topic records consumed, by outcome")
                .baseUnit("records").tag("collection", collection).tag("outcome", "stale").register(registry);
        points = Counter.builder("kembed.sink.points").description("points (chunk vectors) written to the store")
                .baseUnit("points").tag("collection", collection).register(registry);
        retries = Counter.builder("kembed.sink.store.retries").description("store operations retried after a failure")
                .tag("collection", collection).register(registry);
        pollSize = DistributionSummary.builder("kembed.sink.poll").description("vectors-topic records per poll")
                .baseUnit("records").tag("collection", collection).publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(10_000.0).register(registry);
        storeWrite = Timer.builder("kembed.sink.store.write").description("time to write one poll's batch to the store")
                .tag("collection", collection).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        // Replays of old events reach hours; live traffic should stay within seconds.
        pipelineLatency = Timer.builder("kembed.pipeline.latency")
                .description("from the change event's occurredAt to its vectors written to the store")
                .tag("collection", collection).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    /**
     * @param recordCount records of the poll (decoded), stale ones included
     * @param staleCount of them, those skipped as older than the stored version
     */
    void applied(int recordCount, int staleCount, long pointCount, long writeNanos) {
        records.increment(recordCount - staleCount);
        stale.increment(staleCount);
        points.increment(pointCount);
        pollSize.record(recordCount);
        storeWrite.record(writeNanos, TimeUnit.NANOSECONDS);
    }

    /** Records one end-to-end latency; a negative one (upstream clock ahead) counts as 0. */
    void stored(Instant occurredAt, Instant now) {
        if (occurredAt != null) {
            long ms = Math.max(0, now.toEpochMilli() - occurredAt.toEpochMilli());
            pipelineLatency.record(ms, TimeUnit.MILLISECONDS);
        }
    }

    void retried() {
        retries.increment();
    }

    void deadLettered(String reason) {
        Counter.builder(DEAD_LETTERS).description("records sent to the dead-letter topic")
                .tag("stage", "sink").tag("reason", reason).register(registry)
                .increment();
    }
}

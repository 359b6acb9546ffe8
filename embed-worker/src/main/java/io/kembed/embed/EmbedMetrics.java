package io.kembed.embed;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embed worker's meters (Micrometer), all tagged with the model id. In Prometheus:
 * {@code kembed_embed_records_total{outcome}} (embedded, unchanged, stale, duplicate, superseded, deleted,
 * dead_lettered), {@code kembed_embed_tokens_total} (tokens embedded; its rate is tokens/s),
 * {@code kembed_embed_truncated_total}, {@code kembed_embed_chunks_total}, {@code kembed_embed_inference_seconds}
 * (one ONNX run, histogram), {@code kembed_embed_batch_texts} (texts per ONNX run), {@code kembed_embed_flush_size}
 * and {@code kembed_embed_flush_time_seconds} (changes per buffer flush and its time), {@code kembed_embed_pending}
 * , {@code kembed_embed_flush_deferred_total} (flushes cut short or put off by the time budget),
 * {@code kembed_embed_batch_splits_total} (failed batches split to isolate a poison change)
 * and {@code kembed_dlq_records_total{stage="embed",reason}}.
 */
public final class EmbedMetrics {

    /** What happened to a change-topic record. */
    public enum Outcome {
        /** Embedded and written to the vectors topic. */
        EMBEDDED,
        /** Upsert whose text equals what is already embedded: no new vector. */
        UNCHANGED,
        /** Version older than the stored one: ignored, never applied. */
        STALE,
        /** Same version as the stored one (a redelivery or a duplicate publish): ignored. */
        DUPLICATE,
        /** Replaced in the buffer by a newer version of the same entity before it was embedded. */
        SUPERSEDED,
        /** Delete or tombstone applied. */
        DELETED,
        /** Sent to the dead-letter topic. */
        DEAD_LETTERED,
        /** Another tenant's record, skipped unread by a tenant re-embed's worker ({@code EmbedWorkerConfig.tenant}). */
        OTHER_TENANT
    }

    private final Map<Outcome, Counter> outcomes = new ConcurrentHashMap<>();
    private final Counter truncated;
    private final Counter tokens;
    private final Counter chunks;
    private final DistributionSummary batchSize;
    private final Timer batchTime;
    private final Map<String, Long> pendingByTask = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Timer inference;
    private final DistributionSummary inferenceBatch;
    private final Counter flushDeferred;
    private final Counter batchSplits;

    public EmbedMetrics(MeterRegistry registry, String modelId) {
        this.registry = registry;
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, Counter.builder("kembed.embed.records")
                    .description("change-topic records by outcome")
                    .tag("model", modelId).tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        truncated = Counter.builder("kembed.embed.truncated").description("texts cut at the model's max length")
                .tag("model", modelId).register(registry);
        tokens = Counter.builder("kembed.embed.tokens").description("tokens embedded").baseUnit("tokens")
                .tag("model", modelId).register(registry);
        chunks = Counter.builder("kembed.embed.chunks").description("vectors produced (one per chunk)")
                .tag("model", modelId).register(registry);
        batchSize = DistributionSummary.builder("kembed.embed.flush.size")
                .description("changes embedded per buffer flush").tag("model", modelId).publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(1024.0).register(registry);
        batchTime = Timer.builder("kembed.embed.flush.time").description("time to embed one buffer flush")
                .tag("model", modelId).publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofMillis(1))
                .maximumExpectedValue(java.time.Duration.ofMinutes(2)).register(registry);
        inference = Timer.builder("kembed.embed.inference")
                .description("one ONNX Runtime run of a batch (tensors, session.run, pooling)").tag("model", modelId)
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(1))
                .maximumExpectedValue(java.time.Duration.ofSeconds(30)).register(registry);
        inferenceBatch = DistributionSummary.builder("kembed.embed.batch")
                .description("texts per ONNX Runtime run").baseUnit("texts").tag("model", modelId)
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(256.0)
                .register(registry);
        flushDeferred = Counter.builder("kembed.embed.flush.deferred")
                .description("flushes cut short or put off because the stream thread had used its time budget "
                        + "since its last poll (EmbedWorkerConfig.flushBudget)").tag("model", modelId).register(registry);
        batchSplits = Counter.builder("kembed.embed.batch.splits")
                .description("failed inference batches split in two to isolate the failing change")
                .tag("model", modelId).register(registry);
        Gauge.builder("kembed.embed.pending", this, EmbedMetrics::pending)
                .description("accepted changes buffered, not yet embedded").tag("model", modelId).register(registry);
    }

    public void count(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    /** Records of this outcome so far. */
    public long total(Outcome outcome) {
        return (long) outcomes.get(outcome).count();
    }

    public void embedded(int tokenCount, boolean wasTruncated) {
        tokens.increment(tokenCount);
        chunks.increment();
        if (wasTruncated) {
            truncated.increment();
        }
    }

    public void flushed(int changes, long nanos) {
        batchSize.record(changes);
        batchTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One ONNX Runtime run; fits {@link BiEncoder.InferenceListener}. */
    public void inference(int texts, int paddedLength, long nanos) {
        inference.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        inferenceBatch.record(texts);
    }

    /**
     * A record sent to the dead-letter topic: counts the {@code dead_lettered} outcome and
     * {@code kembed_dlq_records_total{stage="embed",reason}} (the same family as the sink's dead letters).
     *
     * @param reason the {@code kembed.dlq.reason} header, for example {@code BAD_JSON} or {@code EMBED_FAILED}
     */
    public void deadLettered(String reason) {
        count(Outcome.DEAD_LETTERED);
        Counter.builder("kembed.dlq.records").description("records sent to the dead-letter topic")
                .tag("stage", "embed").tag("reason", reason).register(registry).increment();
    }

    /** A flush cut short, or put off, because its stream thread had used its time budget since its last poll. */
    public void flushDeferred() {
        flushDeferred.increment();
    }

    /** Flushes cut short or put off so far ({@link #flushDeferred()}). */
    public long flushesDeferred() {
        return (long) flushDeferred.count();
    }

    /** A batch whose inference failed, split in two to isolate the failing change. */
    public void batchSplit() {
        batchSplits.increment();
    }

    /** Batches split so far ({@link #batchSplit()}). */
    public long batchSplits() {
        return (long) batchSplits.count();
    }

    public long truncatedTexts() {
        return (long) truncated.count();
    }

    public long tokens() {
        return (long) tokens.count();
    }

    public void pending(String task, long count) {
        if (count <= 0) {
            pendingByTask.remove(task);
        } else {
            pendingByTask.put(task, count);
        }
    }

    /** Accepted changes buffered in this instance's tasks, not yet embedded. */
    public long pending() {
        return pendingByTask.values().stream().mapToLong(Long::longValue).sum();
    }
}

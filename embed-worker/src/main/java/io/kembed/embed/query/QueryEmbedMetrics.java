package io.kembed.embed.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The query server's meters, tagged with the model id: Timer {@code kembed.query_embed.latency} (server side, from
 * the hand-over of a poll's requests to the reply being ready, percentile histogram on) and counters
 * {@code kembed.query_embed.expired}, {@code .invalid}, {@code .overloaded} and {@code .failed}.
 */
final class QueryEmbedMetrics {

    private final Timer latency;
    /** Held here: Micrometer keeps a function counter's state object only weakly. */
    private final LongSupplier expiredTotal;
    private final Counter invalid;
    private final Counter overloaded;
    private final Counter failed;

    /** @param expiredTotal requests dropped for their deadline so far (on arrival and inside a batch) */
    QueryEmbedMetrics(MeterRegistry registry, String modelId, LongSupplier expiredTotal) {
        this.expiredTotal = expiredTotal;
        MeterRegistry r = registry == null ? new SimpleMeterRegistry() : registry;
        latency = Timer.builder("kembed.query_embed.latency")
                .description("server-side query embedding time, from hand-over to reply ready")
                .tag("model", modelId).publishPercentileHistogram(true).register(r);
        FunctionCounter.builder("kembed.query_embed.expired", expiredTotal, LongSupplier::getAsLong)
                .description("requests dropped because their deadline passed").tag("model", modelId).register(r);
        invalid = counter(r, "invalid", "requests answered INVALID_REQUEST", modelId);
        overloaded = counter(r, "overloaded", "requests answered OVERLOADED", modelId);
        failed = counter(r, "failed", "requests answered MODEL_UNAVAILABLE after an inference failure", modelId);
    }

    private static Counter counter(MeterRegistry r, String name, String description, String modelId) {
        return Counter.builder("kembed.query_embed." + name).description(description).tag("model", modelId)
                .register(r);
    }

    void latency(long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void invalid() {
        invalid.increment();
    }

    void overloaded() {
        overloaded.increment();
    }

    void failed() {
        failed.increment();
    }
}

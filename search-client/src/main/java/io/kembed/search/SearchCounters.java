package io.kembed.search;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hit and miss counts of the two caches, and searches that ran uncached because the cache backend was unavailable.
 * Mirrored to Micrometer when a registry is given: {@code kembed.search.cache} tagged
 * {@code cache=query_embedding|result} and {@code result=hit|miss|unavailable}, and
 * {@code kembed.search.rerank} tagged {@code status=<RerankStatus>}.
 */
public final class SearchCounters {

    /** Which cache. */
    public enum Cache {
        QUERY_EMBEDDING, RESULT
    }

    private final LongAdder[] hits = {new LongAdder(), new LongAdder()};
    private final LongAdder[] misses = {new LongAdder(), new LongAdder()};
    private final LongAdder uncached = new LongAdder();
    private final LongAdder[] rerank = new LongAdder[RerankStatus.values().length];
    private final Counter[] meterHits = new Counter[2];
    private final Counter[] meterMisses = new Counter[2];
    private final Counter meterUncached;
    private final Counter[] meterRerank = new Counter[RerankStatus.values().length];

    SearchCounters(MeterRegistry registry) {
        for (int i = 0; i < rerank.length; i++) {
            rerank[i] = new LongAdder();
        }
        if (registry != null) {
            for (Cache c : Cache.values()) {
                String tag = c.name().toLowerCase(java.util.Locale.ROOT);
                meterHits[c.ordinal()] = Counter.builder("kembed.search.cache").tag("cache", tag).tag("result", "hit")
                        .description("search cache lookups").register(registry);
                meterMisses[c.ordinal()] = Counter.builder("kembed.search.cache").tag("cache", tag)
                        .tag("result", "miss").description("search cache lookups").register(registry);
            }
            meterUncached = Counter.builder("kembed.search.cache").tag("cache", "result").tag("result", "unavailable")
                    .description("searches run uncached: the cache backend could not be read").register(registry);
            for (RerankStatus s : RerankStatus.values()) {
                meterRerank[s.ordinal()] = Counter.builder("kembed.search.rerank").tag("status", s.name())
                        .description("searches by rerank outcome").register(registry);
            }
        } else {
            meterUncached = null;
        }
    }

    void hit(Cache c) {
        hits[c.ordinal()].increment();
        if (meterHits[c.ordinal()] != null) {
            meterHits[c.ordinal()].increment();
        }
    }

    void miss(Cache c) {
        misses[c.ordinal()].increment();
        if (meterMisses[c.ordinal()] != null) {
            meterMisses[c.ordinal()].increment();
        }
    }

    void countUncached() {
        uncached.increment();
        if (meterUncached != null) {
            meterUncached.increment();
        }
    }

    void countRerank(RerankStatus status) {
        rerank[status.ordinal()].increment();
        if (meterRerank[status.ordinal()] != null) {
            meterRerank[status.ordinal()].increment();
        }
    }

    public long hits(Cache c) {
        return hits[c.ordinal()].sum();
    }

    public long misses(Cache c) {
        return misses[c.ordinal()].sum();
    }

    /** @return searches that skipped the result cache because the backend could not be read */
    public long uncached() {
        return uncached.sum();
    }

    /** @return searches computed (not served from the result cache) with this rerank outcome */
    public long rerank(RerankStatus status) {
        return rerank[status.ordinal()].sum();
    }
}

package io.kembed.rerank.requestreply;

import io.kembed.core.requestreply.ReplyTopics;
import io.kembed.core.requestreply.RequestServer;
import io.kembed.rerank.Reranker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Serves a {@link Reranker} on {@code <prefix>.rerank.requests} through a {@link RequestServer}. The requests of
 * one poll are handled together, up to {@link Config#maxBatchPassages} passages in all; requests beyond that budget
 * get {@link RerankErrorCode#OVERLOADED} at once rather than waiting behind the batch. A request that cannot be
 * decoded or breaks a {@link RerankRequest} limit gets {@link RerankErrorCode#INVALID_REQUEST}; a reranker failure
 * gets {@link RerankErrorCode#MODEL_UNAVAILABLE}; a request whose deadline passes while earlier requests of its
 * batch are scored is dropped (counted) like one that arrived expired. Never stops on a bad request.
 *
 * <p>With a {@link io.kembed.rerank.CrossEncoder}, the valid requests of one poll are scored together: their pairs
 * share length-sorted inference batches ({@link io.kembed.rerank.CrossEncoder#rerankAll}), and each request gets
 * what is left of its deadline, less {@link #REPLY_MARGIN_MS}, as its budget; candidates that do not fit keep
 * vector order and the reply says {@code partial}. Any other {@link Reranker} scores the requests one after another
 * on the server's poll thread.
 *
 * <p>Metrics, when a {@link MeterRegistry} is given (all tagged {@code reranker} = {@link Reranker#id()} and
 * {@code kind} = {@link Reranker#kind()}, lower case):
 * <ul>
 *   <li>{@value #LATENCY} (Timer, percentile histogram on): for each successful reply, the time from its poll's
 *       requests reaching the handler to the reply being ready (decode, tokenise, inference, ranking);</li>
 *   <li>{@value #EXPIRED} (counter): requests dropped because their deadline passed, on arrival or while their
 *       batch was scored;</li>
 *   <li>{@value #INVALID}, {@value #OVERLOADED}, {@value #FAILED} (counters): replies with
 *       {@link RerankErrorCode#INVALID_REQUEST}, {@link RerankErrorCode#OVERLOADED},
 *       {@link RerankErrorCode#MODEL_UNAVAILABLE};</li>
 *   <li>{@value #PARTIAL} (counter): successful replies in which some candidates were left unscored.</li>
 * </ul>
 * The meters are removed from the registry on {@link #close()}.
 */
public final class RerankWorker implements AutoCloseable {

    /** Time kept back from a request's deadline for producing and fetching its reply (a few ms on a LAN), ms. */
    public static final long REPLY_MARGIN_MS = 10;

    public static final String LATENCY = "kembed.rerank.latency";
    public static final String EXPIRED = "kembed.rerank.expired";
    public static final String INVALID = "kembed.rerank.invalid";
    public static final String OVERLOADED = "kembed.rerank.overloaded";
    public static final String FAILED = "kembed.rerank.failed";
    public static final String PARTIAL = "kembed.rerank.partial";

    /**
     * @param groupId consumer group of every worker serving this prefix (default {@code kembed-rerank})
     * @param requestPartitions partitions of the requests topic when this worker creates it
     * @param maxBatch most requests per poll
     * @param maxBatchPassages passages budget of one poll's requests; the rest get OVERLOADED
     * @param kafkaProperties passed to the Kafka clients untouched
     */
    public record Config(String bootstrapServers, RerankTopics topics, String groupId, int requestPartitions,
            int maxBatch, int maxBatchPassages, Map<String, Object> kafkaProperties) {

        public static final String DEFAULT_GROUP_ID = "kembed-rerank";
        public static final int DEFAULT_REQUEST_PARTITIONS = 4;
        public static final int DEFAULT_MAX_BATCH = 16;
        /** Four full requests: at about 4 ms a pair on two cores, a budget of roughly 1.6 s of scoring. */
        public static final int DEFAULT_MAX_BATCH_PASSAGES = 4 * RerankRequest.MAX_PASSAGES;

        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(groupId, "groupId");
            if (requestPartitions < 1 || maxBatch < 1 || maxBatchPassages < RerankRequest.MAX_PASSAGES) {
                throw new IllegalArgumentException("requestPartitions and maxBatch must be >= 1 and "
                        + "maxBatchPassages >= " + RerankRequest.MAX_PASSAGES);
            }
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        public static Config defaults(String bootstrapServers, RerankTopics topics) {
            return new Config(bootstrapServers, topics, DEFAULT_GROUP_ID, DEFAULT_REQUEST_PARTITIONS,
                    DEFAULT_MAX_BATCH, DEFAULT_MAX_BATCH_PASSAGES, Map.of());
        }

        /** Shows every field, with the values of secret Kafka properties as {@code [redacted]}. */
        @Override
        public String toString() {
            return "Config[bootstrapServers=" + bootstrapServers + ", topics=" + topics.prefix() + ", groupId=" + groupId
                    + ", requestPartitions=" + requestPartitions + ", maxBatch=" + maxBatch + ", maxBatchPassages="
                    + maxBatchPassages + ", kafkaProperties=" + io.kembed.core.ops.Redaction.redact(kafkaProperties) + "]";
        }
    }

    /** Counters of this worker; the server's own (expired on arrival, malformed) are in {@link #serverCounters()}. */
    public record Counters(long scored, long invalid, long overloaded, long failed, long expiredInBatch,
            long partial) {
    }

    private final RerankHandler handler;
    private final RequestServer server;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private RerankWorker(Config config, Reranker reranker, Clock clock, MeterRegistry registry) {
        this.registry = registry;
        Tags tags = Tags.of("reranker", reranker.id(), "kind", reranker.kind().name().toLowerCase(Locale.ROOT));
        LongConsumer latency = nanos -> { };
        if (registry != null) {
            Timer timer = Timer.builder(LATENCY).tags(tags).publishPercentileHistogram()
                    .description("time from a poll's requests reaching the rerank worker to each reply being ready")
                    .register(registry);
            meters.add(timer);
            latency = nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
        }
        this.handler = new RerankHandler(reranker, config.maxBatchPassages(), clock, latency);
        Map<String, Object> adminProps = new HashMap<>(config.kafkaProperties());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            ReplyTopics.ensure(admin, config.topics().requests(), config.requestPartitions(), (short) -1);
        }
        this.server = RequestServer.start(new RequestServer.Config(config.bootstrapServers(),
                config.topics().requests(), config.groupId(), config.maxBatch(), config.kafkaProperties()),
                handler);
        if (registry != null) {
            counter(EXPIRED, tags, "requests dropped because their deadline passed",
                    w -> w.serverCounters().expired() + w.counters().expiredInBatch());
            counter(INVALID, tags, "INVALID_REQUEST replies", w -> w.counters().invalid());
            counter(OVERLOADED, tags, "OVERLOADED replies", w -> w.counters().overloaded());
            counter(FAILED, tags, "MODEL_UNAVAILABLE replies", w -> w.counters().failed());
            counter(PARTIAL, tags, "replies with some candidates unscored", w -> w.counters().partial());
        }
    }

    private void counter(String name, Tags tags, String description, ToDoubleFunction<RerankWorker> value) {
        meters.add(FunctionCounter.builder(name, this, value).tags(tags).description(description)
                .register(registry));
    }

    /**
     * Creates the requests topic if missing and starts serving.
     *
     * @param reranker owned by the caller (not closed by {@link #close()})
     */
    public static RerankWorker start(Config config, Reranker reranker) {
        return start(config, reranker, null);
    }

    /**
     * As {@link #start(Config, Reranker)}, recording the metrics listed above in {@code registry}.
     *
     * @param registry where the meters go, or {@code null} for none
     */
    public static RerankWorker start(Config config, Reranker reranker, MeterRegistry registry) {
        return new RerankWorker(config, Objects.requireNonNull(reranker, "reranker"), Clock.systemUTC(), registry);
    }

    public Counters counters() {
        return handler.counters();
    }

    public RequestServer.Counters serverCounters() {
        return server.counters();
    }

    /** Requests-topic partitions this worker owns now. */
    public java.util.Set<org.apache.kafka.common.TopicPartition> assignment() {
        return server.assignment();
    }

    /** Binds the request server's Kafka client metrics (see {@link RequestServer#bindClientMetrics}). */
    public void bindClientMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        server.bindClientMetrics(registry);
    }

    /** @return true while the request server's poll thread runs */
    public boolean isAlive() {
        return server.isAlive();
    }

    /** Stops taking requests; the batch in progress is answered first. */
    @Override
    public void close() {
        server.close();
        for (Meter meter : meters) {
            registry.remove(meter);
        }
    }
}

package io.kembed.app.cli;

import io.kembed.core.ops.HealthCheck;
import io.kembed.core.ops.WorkerHealth;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.query.QueryEmbedServer;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.rerank.BiEncoderReranker;
import io.kembed.rerank.Reranker;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed worker embed|sink|rerank}: run one pipeline stage against a Kafka cluster until stopped, with its
 * operations endpoints ({@code --ops-port}).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a pipeline stage against a Kafka cluster until SIGTERM/Ctrl-C.",
        subcommands = {WorkerCommand.Embed.class, WorkerCommand.Sink.class, WorkerCommand.Rerank.class})
public final class WorkerCommand {

    /** The worker types, as the {@code worker} tag of their meters and their subcommand names. */
    public static final List<String> TYPES = List.of("embed", "sink", "rerank");

    /** The embed worker: change topics to vectors topic. Start several for more throughput. */
    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Embed change events into the vectors topic (Kafka Streams, exactly-once).")
    static final class Embed implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--state-dir", defaultValue = "${env:KEMBED_STATE_DIR:-.kembed/streams-state}",
                description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Option(names = "--application-id", paramLabel = "ID",
                description = "Kafka Streams application id = consumer group (default: kembed-embed-<model id>); "
                        + "workers with the same id share the change topics' partitions.")
        String applicationId;

        @Option(names = "--tenant", paramLabel = "TENANT",
                description = "Embed this tenant's changes only, skipping the others' by their key (the new model's "
                        + "worker of `kembed reembed start --tenant`, with its --application-id).")
        String tenant;

        @Option(names = "--stream-threads", defaultValue = "0",
                description = "Stream threads, each embedding its own partitions on one core (default: one per "
                        + "available processor).")
        int streamThreads;

        @Option(names = "--queries", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Also serve query embedding on <prefix>.embed.queries (default: on; --no-queries "
                        + "turns it off).")
        boolean queries;

        @Option(names = "--interactive-lane", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Queries go before the bulk backlog: bulk ONNX runs wait while queries are served and "
                        + "runs in progress are stopped and re-run (default: on; --no-interactive-lane turns it off).")
        boolean interactiveLane;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        @Mixin
        OpsOptions ops;

        @Override
        public Integer call() {
            PrometheusMeterRegistry registry = OpsOptions.registry("embed");
            boolean interrupted = false;
            try (BiEncoder encoder = modelOptions.load()) {
                EmbedWorkerConfig config = EmbedWorkerConfig.defaults(kafka.requireBootstrapServers(),
                        encoder.spec(), stateDir).withTopics(kafka.topics())
                        .withKafkaProperties(kafka.clientProperties()).withApplicationId(applicationId)
                        .withInteractiveLane(interactiveLane).withTenant(tenant);
                if (streamThreads > 0) {
                    config = config.withStreamThreads(streamThreads);
                }
                QueryEmbedTopics queryTopics = new QueryEmbedTopics(config.topics().prefix());
                // Closed on every way out, before the encoder they run; the query server before the worker.
                try (EmbedWorker worker = EmbedWorker.start(config, encoder, registry);
                        QueryEmbedServer queryServer = queries ? QueryEmbedServer.start(
                                QueryEmbedServer.Config.defaults(config.bootstrapServers(), queryTopics)
                                        .withKafkaProperties(config.kafkaProperties()),
                                encoder, worker.priorityGate(), registry) : null;
                        OpsOptions.Running running = ops.start(registry, worker.health(), kafka,
                        config.applicationId(), config.topics().changeTopics())) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        if (queryServer != null) {
                            queryServer.close();
                        }
                        worker.close();
                    }, "kembed-shutdown"));
                    System.out.printf("embed worker %s running (model %s)%s; Ctrl-C stops it gracefully%n",
                            config.applicationId(), encoder.spec().id(), queries ? ", serving queries on "
                                    + queryTopics.requests() + (interactiveLane ? " ahead of the bulk backlog"
                                            : " (no priority lane)") : "");
                    try {
                        worker.awaitShutdown();
                    } catch (InterruptedException e) {
                        interrupted = true; // restored below, once the worker and the encoder are closed
                        return INTERRUPTED;
                    }
                }
                return 0;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The sink: vectors topic to the vector store; with {@code --redis-uri} it invalidates the search cache. */
    @Command(name = "sink", mixinStandardHelpOptions = true,
            description = "Write the vectors topic to the vector store.")
    static final class Sink implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--redis-uri", defaultValue = "${env:KEMBED_REDIS_URI}", paramLabel = "URI",
                description = "Redis of the apps' search cache (redis:// or rediss://, env KEMBED_REDIS_URI): after "
                        + "each batch is stored, the generation of every tenant it touched is bumped (INCR), so "
                        + "no app serves a result cached before the write.")
        String redisUri;

        @Option(names = "--redis-key-prefix", defaultValue = SearchCacheConfig.DEFAULT_KEY_PREFIX,
                description = "Key prefix of the search cache in Redis (default: ${DEFAULT-VALUE}).")
        String redisKeyPrefix;

        @Option(names = "--stale-interval", defaultValue = "PT0S", paramLabel = "DURATION",
                description = "Every DURATION, count the collection's stale vectors (another model than its alias's, "
                        + "older than the latest source version, missing) into the gauges "
                        + "kembed_store_stale_vectors{collection,reason}; each count reads the change topics to "
                        + "their end (default: ${DEFAULT-VALUE}, off).")
        java.time.Duration staleInterval;

        @Option(names = "--tenant", paramLabel = "TENANT",
                description = "Write this tenant's vectors only (the new model's sink of `kembed reembed start "
                        + "--tenant`, into --collection <tenant alias>__<model>); no alias is created: the cutover "
                        + "makes the tenant's.")
        String tenant;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        @Mixin
        StoreOptions storeOptions;

        @Mixin
        OpsOptions ops;

        @Override
        public Integer call() {
            PrometheusMeterRegistry registry = OpsOptions.registry("sink");
            boolean interrupted = false;
            RedisSearchCache cache = redisUri == null || redisUri.isBlank() ? null
                    : RedisSearchCache.create(redisUri, SearchCacheConfig.defaults().withKeyPrefix(redisKeyPrefix));
            try (VectorStore store = storeOptions.open(modelOptions.spec())) {
                // A first import makes the alias of a <alias>__<model> collection (searches go through it).
                io.kembed.core.store.CollectionNames.aliasOfModelCollection(store.collection())
                        .filter(alias -> tenant == null).ifPresent(alias -> {
                    try (io.kembed.core.store.CollectionAliases aliases = storeOptions.aliases()) {
                        if (aliases.createIfMissing(alias, store.collection())) {
                            System.out.printf("alias %s -> %s created%n", alias, store.collection());
                        }
                    }
                });
                SinkWorkerConfig config = SinkWorkerConfig.defaults(kafka.requireBootstrapServers(),
                        store.collection(), modelOptions.spec().id()).withTopics(kafka.topics())
                        .withKafkaProperties(kafka.clientProperties()).withTenant(tenant);
                CountDownLatch stopped = new CountDownLatch(1);
                java.util.concurrent.ScheduledExecutorService staleCounter = staleInterval.isZero() ? null
                        : startStaleCounter(store, registry);
                // Closed on every way out (an interrupt too), before the store it writes to.
                try (SinkWorker sink = cache == null ? SinkWorker.start(config, store, registry)
                        : SinkWorker.start(config, store, registry, cache::bumpGenerations);
                        OpsOptions.Running running = ops.start(registry, sink.health(), kafka, config.groupId(),
                        List.of(config.vectorsTopic()))) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        sink.close();
                        stopped.countDown();
                    }, "kembed-shutdown"));
                    System.out.printf("sink %s -> %s running; Ctrl-C stops it%n", config.groupId(),
                            store.collection());
                    if (!awaitWhile(sink::isAlive, stopped)) {
                        interrupted = true;
                        return INTERRUPTED;
                    }
                    return sink.failure() == null ? 0 : 1;
                } finally {
                    if (staleCounter != null) {
                        staleCounter.shutdownNow();
                    }
                }
            } finally {
                if (cache != null) {
                    cache.close();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt(); // restored once the sink and the store are closed
                }
            }
        }

        /** Counts the stale vectors of {@code store} every {@code --stale-interval}, into gauges. */
        private java.util.concurrent.ScheduledExecutorService startStaleCounter(VectorStore store,
                PrometheusMeterRegistry registry) {
            io.kembed.app.reembed.StaleVectors stale = new io.kembed.app.reembed.StaleVectors()
                    .bind(registry, store.collection());
            String alias = io.kembed.core.store.CollectionNames.alias(store.collection())
                    .orElse(io.kembed.core.store.CollectionNames.DEFAULT_ALIAS);
            java.util.concurrent.ScheduledExecutorService ex = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "kembed-stale-vectors");
                        t.setDaemon(true);
                        return t;
                    });
            Map<String, Object> props = ReembedCommand.withBootstrap(kafka);
            ex.scheduleWithFixedDelay(() -> {
                try (io.kembed.core.store.CollectionAliases aliases = storeOptions.aliases()) {
                    String model = aliases.resolve(alias).flatMap(c -> io.kembed.core.store.CollectionNames
                            .model(alias, c)).map(m -> m.id()).orElse(modelOptions.spec().id());
                    stale.refresh(store, model, io.kembed.app.reembed.SourceScan.latest(props, kafka.topics(),
                            t -> true, false));
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(WorkerCommand.class).warn("stale-vector count failed: {}",
                            e.toString());
                }
            }, 0, staleInterval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return ex;
        }
    }

    /** The rerank worker: answers rerank requests over Kafka request/reply. */
    @Command(name = "rerank", mixinStandardHelpOptions = true,
            description = "Serve reranking on <prefix>.rerank.requests (Kafka request/reply).")
    static final class Rerank implements java.util.concurrent.Callable<Integer> {

        @Mixin
        RerankerOptions crossEncoder;

        @Option(names = "--bi-encoder-fallback",
                description = "Rescore with the bi-encoder (--model) instead of a cross-encoder; replies say so.")
        boolean biEncoderFallback;

        @Option(names = "--group-id", defaultValue = RerankWorker.Config.DEFAULT_GROUP_ID,
                description = "Consumer group of the rerank workers (default: ${DEFAULT-VALUE}).")
        String groupId;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        @Mixin
        OpsOptions ops;

        Reranker load() {
            if (biEncoderFallback) {
                return new BiEncoderReranker(modelOptions.load());
            }
            return crossEncoder.load();
        }

        @Override
        public Integer call() {
            PrometheusMeterRegistry registry = OpsOptions.registry("rerank");
            boolean interrupted = false;
            RerankTopics topics = new RerankTopics(kafka.topics().prefix());
            try (Reranker reranker = load()) {
                RerankWorker.Config config = new RerankWorker.Config(kafka.requireBootstrapServers(), topics,
                        groupId, RerankWorker.Config.DEFAULT_REQUEST_PARTITIONS, RerankWorker.Config.DEFAULT_MAX_BATCH,
                        RerankWorker.Config.DEFAULT_MAX_BATCH_PASSAGES, kafka.clientProperties());
                RerankWorker worker = RerankWorker.start(config, reranker, registry);
                worker.bindClientMetrics(registry);
                CountDownLatch stopped = new CountDownLatch(1);
                try (OpsOptions.Running running = ops.start(registry, health(worker, reranker), kafka, groupId,
                        List.of(topics.requests()))) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        worker.close();
                        stopped.countDown();
                    }, "kembed-shutdown"));
                    System.out.printf("rerank worker %s on %s running (%s); Ctrl-C stops it%n", groupId,
                            topics.requests(), reranker.id());
                    if (!awaitWhile(worker::isAlive, stopped)) {
                        interrupted = true;
                        return INTERRUPTED;
                    }
                } finally {
                    worker.close();
                }
                return 0;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Exit status of a worker stopped by an interrupt (128 + SIGINT, as a shell reports Ctrl-C). */
    static final int INTERRUPTED = 130;

    /**
     * Waits while {@code alive} holds and {@code stopped} is not counted down, checking every second.
     *
     * @return false if interrupted; the interrupt flag is then cleared, so the caller can close its resources
     *     before restoring it
     */
    static boolean awaitWhile(java.util.function.BooleanSupplier alive, CountDownLatch stopped) {
        try {
            while (alive.getAsBoolean() && !stopped.await(1, TimeUnit.SECONDS)) {
                // checking again
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * The rerank worker's checks. Ready: the reranker is loaded (it is, once the worker runs) and request partitions
     * are assigned. Live: the request server's poll thread runs.
     */
    static WorkerHealth health(RerankWorker worker, Reranker reranker) {
        HealthCheck model = () -> HealthCheck.Result.up("reranker " + reranker.id() + " loaded");
        HealthCheck partitions = () -> {
            int owned = worker.assignment().size();
            return HealthCheck.Result.of(owned > 0, owned + " request partitions assigned");
        };
        HealthCheck alive = () -> HealthCheck.Result.of(worker.isAlive(),
                worker.isAlive() ? "request server running" : "request server stopped");
        return new WorkerHealth(Map.of("rerank.model", model, "rerank.partitions", partitions),
                Map.of("rerank.thread", alive));
    }
}

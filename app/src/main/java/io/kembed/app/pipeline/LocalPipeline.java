package io.kembed.app.pipeline;

import io.kembed.core.kafka.ConsumerLag;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.CandidateReranker;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.kembed.sink.VectorStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole pipeline in one JVM: a Kafka cluster (embedded KRaft broker unless one is given), the topics, one
 * embed worker, one sink, the embedded Lucene store and the search cache. Used by {@code kembed demo}, {@code eval}
 * and {@code bench}. Each part is the production class; only their placement in one process is local.
 *
 * <p>The sink bumps the search cache's generation of every tenant it wrote, once per committed batch
 * ({@link SinkWorker#onTenantsWritten}), so {@link #searchClient} never serves a result cached before the write.
 */
public final class LocalPipeline implements AutoCloseable {

    private final PipelineOptions options;
    private final EmbeddedKafka kafka;
    private final String bootstrapServers;
    private final Admin admin;
    private final BiEncoder encoder;
    private final VectorStore store;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final EmbedWorker worker;
    private final SinkWorker sink;
    private final SearchCache searchCache;
    private final boolean ownsSearchCache;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private LocalPipeline(PipelineOptions options, BiEncoder encoder, boolean interactiveLane,
            SearchCache searchCache) {
        this.options = options;
        this.encoder = encoder;
        this.ownsSearchCache = searchCache == null;
        this.searchCache = searchCache != null ? searchCache : new CaffeineSearchCache(SearchCacheConfig.defaults());
        this.kafka = options.bootstrapServers() == null ? EmbeddedKafka.start() : null;
        this.bootstrapServers = kafka != null ? kafka.bootstrapServers() : options.bootstrapServers();
        Map<String, Object> adminProps = new java.util.HashMap<>(options.kafkaProperties());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(adminProps);
        TopicAdmin.ensureTopics(admin, options.topics(), options.layout(), List.of(options.model().id()));
        this.store = VectorStores.lucene(options.storeDir(), options.collection(), options.model().dims());
        // A first import makes the alias of a <alias>__<model> collection (searches go through it).
        io.kembed.core.store.CollectionNames.aliasOfModelCollection(options.collection()).ifPresent(alias ->
                io.kembed.sink.lucene.LuceneAliases.open(options.storeDir()).createIfMissing(alias,
                        options.collection()));
        EmbedWorkerConfig workerConfig = EmbedWorkerConfig.defaults(bootstrapServers, options.model(),
                options.stateDir()).withTopics(options.topics()).withKafkaProperties(options.kafkaProperties())
                .withInteractiveLane(interactiveLane);
        this.worker = EmbedWorker.start(workerConfig, encoder, registry);
        SinkWorkerConfig sinkConfig = SinkWorkerConfig.defaults(bootstrapServers, options.collection(),
                options.model().id())
                .withTopics(options.topics()).withKafkaProperties(options.kafkaProperties());
        this.sink = SinkWorker.start(sinkConfig, store, new SimpleMeterRegistry(), this.searchCache::bumpGenerations);
    }

    /**
     * Starts every part. Model loading is the caller's (it is shared with query embedding).
     *
     * @throws IllegalStateException if Kafka cannot start or the topics cannot be created
     */
    public static LocalPipeline start(PipelineOptions options, BiEncoder encoder) {
        return new LocalPipeline(options, encoder, EmbedWorkerConfig.DEFAULT_INTERACTIVE_LANE, null);
    }

    /**
     * As {@link #start(PipelineOptions, BiEncoder)}, choosing whether the embed worker's bulk runs yield to queries
     * served in this process ({@link EmbedWorkerConfig#interactiveLane()}).
     */
    public static LocalPipeline start(PipelineOptions options, BiEncoder encoder, boolean interactiveLane) {
        return new LocalPipeline(options, encoder, interactiveLane, null);
    }

    /**
     * Starts every part, with a search cache of the caller's (for example a {@code RedisSearchCache}) whose
     * generations the sink bumps; the caller closes it after the pipeline.
     */
    public static LocalPipeline start(PipelineOptions options, BiEncoder encoder, SearchCache searchCache) {
        return new LocalPipeline(options, encoder, EmbedWorkerConfig.DEFAULT_INTERACTIVE_LANE,
                java.util.Objects.requireNonNull(searchCache, "searchCache"));
    }

    /** The search cache whose generations the sink bumps (in process unless one was given). */
    public SearchCache searchCache() {
        return searchCache;
    }

    /**
     * A search client over this pipeline's store, its bi-encoder for queries and its search cache; closed with the
     * pipeline (which also closes {@code reranker}).
     *
     * @param reranker the second stage, or null for none
     */
    public SearchClient searchClient(CandidateReranker reranker, SearchOptions searchOptions) {
        SearchClient client = SearchClient.builder(store, new BiEncoderQueryEmbedder(encoder)).reranker(reranker)
                .cache(searchCache).options(searchOptions).meterRegistry(registry).build();
        owned.add(client);
        if (reranker != null) {
            owned.add(reranker);
        }
        return client;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public BiEncoder encoder() {
        return encoder;
    }

    public VectorStore store() {
        return store;
    }

    public EmbedWorker worker() {
        return worker;
    }

    public SinkWorker sink() {
        return sink;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public PipelineOptions options() {
        return options;
    }

    /** A publisher on this pipeline's cluster and topics; closed with the pipeline. */
    public ChangePublisher publisher() {
        ChangePublisher p = new ChangePublisher(new PublisherConfig(bootstrapServers, options.topics(),
                options.kafkaProperties()));
        owned.add(p);
        return p;
    }

    /**
     * True when everything published so far is searchable: the embed group has no lag on the change topics, no
     * change waits in the worker's buffer, and the sink group has no lag on the vectors topic.
     */
    public boolean isDrained() {
        if (worker.metrics().pending() > 0 || ConsumerLag.totalLag(admin, worker.config().applicationId(),
                options.topics().changeTopics()) > 0) {
            return false;
        }
        return ConsumerLag.totalLag(admin, sink.groupId(), List.of(sink.config().vectorsTopic())) == 0;
    }

    /**
     * Waits until {@link #isDrained()} holds twice in a row, more than a transaction-commit interval apart (a
     * flushed batch becomes visible to the sink only when its transaction commits).
     *
     * @return true if drained within the timeout
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long interval = Math.max(500, 2 * worker.config().commitInterval().toMillis());
        return awaitCondition(() -> isDrained() && sleepThen(interval) && isDrained(), timeout);
    }

    private static boolean sleepThen(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Polls {@code condition} every 200 ms until it holds or the timeout passes. */
    public static boolean awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            Thread.sleep(200);
        }
        return false;
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            closeQuietly(c);
        }
        closeQuietly(sink);
        closeQuietly(worker);
        closeQuietly(store);
        if (ownsSearchCache) {
            closeQuietly(searchCache);
        }
        closeQuietly(admin);
        if (kafka != null) {
            closeQuietly(kafka);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(LocalPipeline.class).warn("error while closing {}: {}", c, e.toString());
        }
    }
}

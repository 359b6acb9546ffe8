package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.app.reliability.ReliabilityReport;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.MultiTenantFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation through the whole pipeline: documents of many tenants with awkward ids (prefixes of each other,
 * case variants, separators, NFC and NFD forms, CJK, emoji: {@link MultiTenantFixture}), the same document ids and
 * the same texts in many tenants, published to the embedded Kafka broker, embedded by the real model and stored in
 * Lucene; then a seeded random sequence of searches with identical query texts for different tenants, through three
 * {@link SearchClient}s over the same store: uncached, with the in-process cache and with {@link RedisSearchCache} on
 * the real redis-server, both of whose tenant generations the sink bumps. Then updates and deletes of a few tenants'
 * documents, and the searches again.
 *
 * <p>Checked for every answer: each hit is a live document of the searched tenant (a <em>foreign</em> hit is
 * anything else), and a cached answer equals the uncached answer at that moment (a <em>stale</em> answer is one that
 * does not). Both must be 0. The figures go to {@code docs/RELIABILITY.md} ({@link ReliabilityReport}). Prints the
 * seed; {@code -Dkembed.isolation.seed=N} reruns one.
 */
class TenantIsolationIT {

    private static final Duration DRAIN = Duration.ofMinutes(2);
    private static final int DOCUMENTS = 160;
    private static final int SEARCHES_PER_PHASE = 120;

    /** Texts shared by the tenants: most documents have a twin, word for word, in another tenant. */
    private static final List<String> TEXTS = List.of(
            "Offshore wind farms in the North Sea supply electricity to millions of homes.",
            "The central bank raised interest rates to fight inflation.",
            "Solar panels on rooftops cut household energy bills.",
            "The football club signed a new striker for the season.",
            "Tomatoes grow best in warm, sunny weather.",
            "A new vaccine trial enrolled ten thousand volunteers.",
            "The railway line between the two cities reopened after repairs.",
            "Parliament debated the budget for public schools.",
            "The museum opened an exhibition of medieval maps.",
            "Coffee prices rose after a poor harvest in Brazil.");

    private static final List<String> QUERIES = List.of("wind energy at sea", "interest rates and inflation",
            "football transfer", "growing vegetables", "train connections", "school funding");

    private final Map<String, Map<String, Long>> live = new HashMap<>(); // tenant -> document id -> version
    private final AtomicLong announced = new AtomicLong();
    private long published;
    private LocalPipeline pipeline;

    @Test
    void searchesOfOneTenant_neverReturnAnotherTenantsDocuments_uncachedInProcessOrRedis() throws Exception {
        MultiTenantFixture data = MultiTenantFixture.generate(MultiTenantFixture.seedFromPropertyOrRandom(), 3,
                DOCUMENTS, 4, "unused");
        System.out.println("TenantIsolationIT: " + data.describe());
        ReliabilityReport report = ReliabilityReport.scenario("isolation.tenants", "Tenant isolation",
                "Random multi-tenant documents (awkward tenant ids, shared ids and texts) through the pipeline; "
                        + "identical queries for every tenant, uncached, in-process and Redis caches");
        Random random = new Random(data.seed());
        Path work = Files.createTempDirectory("kembed-isolation-it");
        BiEncoder encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.forWorker(ModelRegistry.get("all-minilm-l6-v2-q"))
                        .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        String redisUri = System.getenv().getOrDefault("KEMBED_TEST_REDIS_URI", "redis://127.0.0.1:6379");
        RedisSearchCache redis = RedisSearchCache.create(redisUri, SearchCacheConfig.defaults()
                .withKeyPrefix("kembed-it:isolation:" + UUID.randomUUID() + ":"));
        CaffeineSearchCache inProcess = new CaffeineSearchCache(SearchCacheConfig.defaults());
        try {
            PipelineOptions options = new PipelineOptions(null, TopicNames.DEFAULT, new TopicAdmin.Layout(2,
                    (short) 1), encoder.spec(), work.resolve("lucene"),
                    PipelineOptions.defaultCollection(encoder.spec()), work.resolve("state"), Map.of());
            pipeline = LocalPipeline.start(options, encoder, redis);
            // Listeners run in order on the sink's thread, after the pipeline's own Redis bump.
            pipeline.sink().onTenantsWritten(inProcess::bumpGenerations);
            pipeline.sink().onTenantsWritten(t -> announced.accumulateAndGet(pipeline.sink().recordsApplied(),
                    Math::max));
            SearchOptions searchOptions = SearchOptions.defaults().withCandidates(10);
            BiEncoderQueryEmbedder embedder = new BiEncoderQueryEmbedder(encoder);
            try (SearchClient uncached = SearchClient.builder(pipeline.store(), embedder).options(searchOptions)
                    .build();
                    SearchClient cachedInProcess = SearchClient.builder(pipeline.store(), embedder)
                            .cache(inProcess).options(searchOptions).build();
                    SearchClient cachedRedis = SearchClient.builder(pipeline.store(), embedder).cache(redis)
                            .options(searchOptions).build()) {
                List<DocumentEvent> events = new ArrayList<>();
                for (int i = 0; i < DOCUMENTS; i++) {
                    String tenant = i < data.tenants().size() ? data.tenants().get(i)
                            : data.tenants().get((int) (data.tenants().size() * Math.pow(random.nextDouble(), 2)));
                    String id = "doc-" + live.computeIfAbsent(tenant, t -> new HashMap<>()).size();
                    events.add(upsert(tenant, id, 1, TEXTS.get(random.nextInt(TEXTS.size()))));
                }
                publishAndDrain(events);

                Counts counts = new Counts();
                List<String> tenants = new ArrayList<>(data.tenants());
                tenants.addAll(data.emptyTenants());
                search(tenants, random, counts, uncached, cachedInProcess, cachedRedis);

                // Updates and deletes of the awkward tenants, whose document ids every other tenant shares too.
                List<DocumentEvent> changes = new ArrayList<>();
                for (String tenant : data.tenants().subList(0, 6)) {
                    for (String id : List.copyOf(live.get(tenant).keySet())) {
                        long next = live.get(tenant).get(id) + 1;
                        changes.add(random.nextBoolean() ? delete(tenant, id, next)
                                : upsert(tenant, id, next, "Changed: " + TEXTS.get(random.nextInt(TEXTS.size()))));
                    }
                }
                publishAndDrain(changes);
                search(tenants, random, counts, uncached, cachedInProcess, cachedRedis);

                report.events(published).stale(counts.stale)
                        .figure("seed", data.seed())
                        .figure("tenants (incl. empty look-alikes)", tenants.size())
                        .figure("searches (x3 clients)", counts.searches)
                        .figure("in-process cache answers", counts.inProcessHits)
                        .figure("Redis cache answers", counts.redisHits)
                        .figure("foreign hits", counts.foreign);
                assertThat(counts.foreign).as("%s: hits of another tenant, or of a deleted document", data.describe())
                        .isZero();
                assertThat(counts.stale).as("%s: cached answers unequal to the uncached one", data.describe())
                        .isZero();
                assertThat(counts.inProcessHits).as("the in-process cache answered some searches").isPositive();
                assertThat(counts.redisHits).as("the Redis cache answered some searches").isPositive();
                report.passed();
            }
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
            redis.deleteAll();
            redis.close();
            inProcess.close();
            encoder.close();
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        }
    }

    private void search(List<String> tenants, Random random, Counts counts, SearchClient uncached,
            SearchClient inProcess, SearchClient redis) {
        for (int i = 0; i < SEARCHES_PER_PHASE; i++) {
            // Skewed, so that tenant and query pairs repeat and the caches answer part of the searches.
            String tenant = tenants.get((int) (tenants.size() * Math.pow(random.nextDouble(), 3)));
            String query = QUERIES.get(random.nextInt(QUERIES.size()));
            int k = new int[] {1, 5, 10}[random.nextInt(3)];
            SearchResult truth = uncached.search(tenant, query, k);
            SearchResult fromInProcess = inProcess.search(tenant, query, k);
            SearchResult fromRedis = redis.search(tenant, query, k);
            counts.searches++;
            for (SearchResult r : List.of(truth, fromInProcess, fromRedis)) {
                for (SearchResult.Hit h : r.hits()) {
                    Long version = live.getOrDefault(tenant, Map.of()).get(h.hit().entity().id());
                    if (!h.hit().entity().tenantId().equals(tenant) || version == null
                            || version != h.hit().version()) {
                        counts.foreign++;
                        System.out.printf("TenantIsolationIT: search of '%s' for '%s' returned %s v%d%n", tenant,
                                query, h.hit().entity(), h.hit().version());
                    }
                }
            }
            counts.stale += ids(fromInProcess).equals(ids(truth)) ? 0 : 1;
            counts.stale += ids(fromRedis).equals(ids(truth)) ? 0 : 1;
            counts.inProcessHits += fromInProcess.fromResultCache() ? 1 : 0;
            counts.redisHits += fromRedis.fromResultCache() ? 1 : 0;
        }
    }

    private static List<String> ids(SearchResult r) {
        return r.hits().stream().map(h -> h.hit().entity() + "#" + h.hit().chunk() + "v" + h.hit().version())
                .toList();
    }

    private DocumentEvent upsert(String tenant, String id, long version, String text) {
        live.computeIfAbsent(tenant, t -> new HashMap<>()).put(id, version);
        return DocumentEvent.upsert(tenant, id, version, id, text);
    }

    private DocumentEvent delete(String tenant, String id, long version) {
        live.get(tenant).remove(id);
        return DocumentEvent.delete(tenant, id, version);
    }

    /** Publishes, waits until the sink has stored every change and bumped the caches (one vectors record each). */
    private void publishAndDrain(List<DocumentEvent> events) throws InterruptedException {
        for (DocumentEvent e : events) {
            pipeline.publisher().publish(e);
        }
        pipeline.publisher().flush();
        published += events.size();
        assertThat(pipeline.awaitDrained(DRAIN)).as("pipeline drained").isTrue();
        await().atMost(DRAIN).until(() -> announced.get() >= published);
    }

    /** What the searches found. */
    private static final class Counts {
        long searches;
        long foreign;
        long stale;
        long inProcessHits;
        long redisHits;
    }
}

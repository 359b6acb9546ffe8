package io.kembed.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.MultiTenantFixture;
import io.kembed.sink.VectorStores;
import io.kembed.sink.qdrant.FakeQdrantServer;
import io.kembed.sink.qdrant.QdrantStoreConfig;
import io.kembed.sink.qdrant.QdrantVectorStore;
import io.qdrant.client.QdrantClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tenant isolation through {@link SearchClient}: seeded random multi-tenant data ({@link MultiTenantFixture}:
 * awkward tenant ids, shared entity ids, vectors tied across tenants) and a seeded random sequence of searches with
 * identical query texts for different tenants, interleaved with writes that bump only the written tenant's
 * generation (as the sink does). Every answer, cached or not, must hold only the searched tenant's points and equal
 * a fresh uncached search of the store at that moment (so no cache entry is shared between tenants, and none
 * outlives its tenant's generation).
 *
 * <p>Stores: the real Lucene store, and {@link QdrantVectorStore} against {@link FakeQdrantServer} (in-process gRPC
 * server on the stubs of {@code io.qdrant:client}: no Qdrant server runs on the build machines; the store contract,
 * isolation included, runs against a real Qdrant in {@code QdrantContainerIT} where Docker exists). Caches: none,
 * {@link CaffeineSearchCache}, and {@link RedisSearchCache} on the real redis-server (a key prefix of its own,
 * removed afterwards). The query embedder maps query text {@code q<i>} to vector {@code i} of the fixture's shared
 * pool, so that identical texts give identical vectors in every tenant, as a model does; it is not what is under
 * test. Prints the seed; {@code -Dkembed.isolation.seed=N} reruns one.
 */
class TenantIsolationTest {

    static final int DIMS = 16;
    static final String MODEL = "isolation-model";
    private static final int SEARCHES = 400;
    private static final int WRITE_EVERY = 25;

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @ParameterizedTest(name = "{0} store, {1} cache")
    @CsvSource({"lucene, none", "lucene, caffeine", "lucene, redis", "qdrant, none", "qdrant, caffeine",
            "qdrant, redis"})
    void searchesOfOneTenant_neverAnswerWithAnotherTenantsPoints_cachedOrNot(String storeKind, String cacheKind) {
        MultiTenantFixture data = MultiTenantFixture.generate(MultiTenantFixture.seedFromPropertyOrRandom(), 10, 400,
                DIMS, MODEL);
        System.out.printf("TenantIsolationTest[%s, %s]: %s%n", storeKind, cacheKind, data.describe());
        VectorStore store = openStore(storeKind);
        SearchCache cache = openCache(cacheKind, toClose);
        searchAndWriteAtRandom(data, store, cache, toClose);
    }

    /**
     * The check itself, for any store (empty, {@value #DIMS} dims) and cache (or null): stores {@code data}, then
     * runs the seeded random searches and writes and asserts every answer. Closes what it opens through
     * {@code toClose}.
     */
    static void searchAndWriteAtRandom(MultiTenantFixture data, VectorStore store, SearchCache cache,
            List<AutoCloseable> toClose) {
        store.upsert(data.points());
        store.flush();
        SearchClient client = SearchClient.builder(store, new PoolEmbedder(data)).cache(cache)
                .options(SearchOptions.defaults().withCandidates(10)).build();
        toClose.add(client);

        Random random = new Random(data.seed());
        List<String> tenants = new ArrayList<>(data.tenants());
        tenants.addAll(data.emptyTenants());
        Map<String, List<VectorPoint>> current = new HashMap<>();
        data.tenants().forEach(t -> current.put(t, new ArrayList<>(data.pointsOf(t))));
        int cachedAnswers = 0;
        int written = 0;
        for (int i = 0; i < SEARCHES; i++) {
            if (i > 0 && i % WRITE_EVERY == 0) {
                written += write(store, cache, data, current, random);
            }
            // Popular queries and tenants repeat, so the caches answer part of the searches.
            String tenant = tenants.get((int) (tenants.size() * Math.pow(random.nextDouble(), 3)));
            String query = "q" + random.nextInt(MultiTenantFixture.POOL_SIZE);
            int k = new int[] {1, 3, 10}[random.nextInt(3)];
            SearchResult r = client.search(tenant, query, k);

            String why = String.format("%s; search %d: tenant '%s', %s, k %d", data.describe(), i, tenant, query, k);
            List<SearchHit> hits = r.hits().stream().map(SearchResult.Hit::hit).toList();
            assertThat(hits).as(why).allSatisfy(h -> {
                assertThat(h.entity().tenantId()).isEqualTo(tenant);
                assertThat(current.getOrDefault(tenant, List.of())).extracting(VectorPoint::entity)
                        .contains(h.entity());
            });
            List<SearchHit> fresh = store.search(tenant, data.pool().get(Integer.parseInt(query.substring(1))),
                    Math.max(k, 10));
            assertThat(hits).as("%s: the answer equals a fresh search (from cache: %s)", why, r.fromResultCache())
                    .isEqualTo(fresh.subList(0, Math.min(k, fresh.size())));
            cachedAnswers += r.fromResultCache() ? 1 : 0;
        }
        if (cache != null) {
            assertThat(cachedAnswers).as("the result cache answered some searches").isGreaterThan(SEARCHES / 10);
        }
        assertThat(written).isPositive();
    }

    /**
     * Pure check of the keys themselves: for every pair of distinct tenants of the fixture (awkward ids and random
     * ones), the same query, generation, collection, model and options give different result keys and different
     * generation keys, so no cache entry or counter is ever shared.
     */
    @org.junit.jupiter.api.Test
    void cacheKeys_ofIdenticalQueriesForDifferentTenants_neverCollide() {
        MultiTenantFixture data = MultiTenantFixture.generate(MultiTenantFixture.seedFromPropertyOrRandom(), 200, 1,
                DIMS, MODEL);
        List<String> tenants = new ArrayList<>(data.tenants());
        tenants.addAll(data.emptyTenants());
        String query = io.kembed.search.cache.CacheKeys.queryHash("offshore wind");
        Set<String> results = new java.util.HashSet<>();
        Set<String> generations = new java.util.HashSet<>();
        for (String t : tenants) {
            results.add(io.kembed.search.cache.CacheKeys.result(t, 0, "c", MODEL, "none", 20, 10, query));
            generations.add(io.kembed.search.cache.CacheKeys.generation(t));
        }
        assertThat(results).as(data.describe()).hasSize(tenants.size());
        assertThat(generations).as(data.describe()).hasSize(tenants.size());
    }

    /**
     * Changes one tenant's points (an upsert of a new entity, or a delete of one it holds) and bumps that tenant's
     * generation only; checks no other tenant's generation moved.
     *
     * @return 1
     */
    private static int write(VectorStore store, SearchCache cache, MultiTenantFixture data,
            Map<String, List<VectorPoint>> current, Random random) {
        String tenant = data.tenants().get(random.nextInt(Math.min(8, data.tenants().size()))); // awkward ones
        List<VectorPoint> points = current.get(tenant);
        if (random.nextBoolean() && !points.isEmpty()) {
            VectorPoint doomed = points.remove(random.nextInt(points.size()));
            store.deleteEntity(doomed.entity(), 0);
        } else {
            VectorPoint added = new VectorPoint(EntityKey.document(tenant, "new-" + UUID.randomUUID()), 0, 1, MODEL,
                    data.query(random), "added", "added");
            store.upsert(List.of(added));
            points.add(added);
        }
        store.flush();
        if (cache != null) {
            Map<String, Long> before = new HashMap<>();
            data.tenants().forEach(t -> before.put(t, cache.generation(t).orElseThrow()));
            cache.bumpGenerations(Set.of(tenant));
            for (String t : data.tenants()) {
                assertThat(cache.generation(t).orElseThrow()).as("generation of '%s' after a bump of '%s'", t, tenant)
                        .isEqualTo(t.equals(tenant) ? before.get(t) + 1 : before.get(t));
            }
        }
        return 1;
    }

    private VectorStore openStore(String kind) {
        VectorStore store;
        if (kind.equals("lucene")) {
            store = VectorStores.lucene(dir, "isolation", DIMS);
        } else {
            FakeQdrantServer qdrant = FakeQdrantServer.inProcess();
            toClose.add(qdrant);
            QdrantClient qdrantClient = qdrant.newClient();
            toClose.add(qdrantClient);
            store = QdrantVectorStore.open(qdrantClient, QdrantStoreConfig.local("isolation", DIMS)
                    .withTimeout(Duration.ofSeconds(10)));
        }
        toClose.add(store);
        return store;
    }

    static SearchCache openCache(String kind, List<AutoCloseable> toClose) {
        switch (kind) {
            case "none":
                return null;
            case "caffeine": {
                SearchCache c = new CaffeineSearchCache(SearchCacheConfig.defaults());
                toClose.add(c);
                return c;
            }
            default: {
                RedisSearchCache c = RedisSearchCache.create(RedisCacheUri.URI, SearchCacheConfig.defaults()
                        .withKeyPrefix("kembed-test:isolation:" + UUID.randomUUID() + ":"));
                toClose.add(c);
                toClose.add(c::deleteAll); // closed in reverse order: keys removed before the connection closes
                return c;
            }
        }
    }

    /** Query text {@code q<i>} → vector {@code i} of the fixture's pool: identical texts, identical vectors. */
    private record PoolEmbedder(MultiTenantFixture data) implements QueryEmbedder {

        @Override
        public String modelId() {
            return MODEL;
        }

        @Override
        public int dims() {
            return DIMS;
        }

        @Override
        public float[] embed(String query, Duration timeout) {
            return data.pool().get(Integer.parseInt(query.substring(1))).clone();
        }
    }
}

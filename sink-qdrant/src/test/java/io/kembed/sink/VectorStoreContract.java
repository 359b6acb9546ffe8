package io.kembed.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.vector.ChunkVector;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.FloatVectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link VectorStore} contract, written once and run against every backend: one subclass per backend supplies
 * {@link #open(String, int)}. Each test gets a fresh collection.
 */
public abstract class VectorStoreContract {

    protected static final int DIMS = 16;
    protected static final String MODEL = "test-model";

    /** Tolerance on a cosine: float32 storage and normalisation (about 1e-7 per element) plus score rounding. */
    private static final float COSINE_TOLERANCE = 1e-4f;

    private final List<VectorStore> opened = new ArrayList<>();
    private final long seed = new Random().nextLong();
    protected final Random random = new Random(seed);
    protected String collection;
    protected VectorStore store;

    /**
     * Opens collection {@code collection} of the backend under test, creating it if missing. Called again with the
     * same name after {@link VectorStore#close()} to test reopening.
     */
    protected abstract VectorStore open(String collection, int dims);

    @BeforeEach
    void openFreshCollection() {
        collection = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        store = track(open(collection, DIMS));
    }

    @AfterEach
    void closeStores() {
        opened.forEach(VectorStore::close);
    }

    protected VectorStore track(VectorStore s) {
        opened.add(s);
        return s;
    }

    @Test
    void upsertThenSearch_findsThePoint_withCosineNearOne() {
        EntityKey target = EntityKey.document("t1", "doc-7");
        List<VectorPoint> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            points.add(point(EntityKey.document("t1", "doc-" + i), 0, 3, unitVector()));
        }
        store.upsert(points);
        store.flush();

        List<SearchHit> hits = store.search("t1", points.get(7).vector(), 3);

        assertThat(hits).isNotEmpty();
        SearchHit best = hits.get(0);
        assertThat(best.entity()).isEqualTo(target);
        assertThat(best.chunk()).isZero();
        assertThat(best.score()).isCloseTo(1.0f, within(COSINE_TOLERANCE));
        assertThat(best.version()).isEqualTo(3);
        assertThat(best.modelId()).isEqualTo(MODEL);
        assertThat(best.title()).isEqualTo("title of doc-7");
        assertThat(best.snippet()).isEqualTo("snippet 0 of doc-7");
    }

    @Test
    void upsertOfTheSameIdTwice_keepsOnePoint_withTheNewerPayload() {
        EntityKey e = EntityKey.contact("t1", "c-1");
        store.upsert(List.of(point(e, 0, 1, unitVector())));
        store.flush();
        float[] newer = unitVector();
        store.upsert(List.of(new VectorPoint(e, 0, 2, MODEL, newer, "new title", "new snippet")));
        store.flush();

        assertThat(store.count("t1")).isEqualTo(1);
        List<SearchHit> hits = store.search("t1", newer, 10);
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).version()).isEqualTo(2);
        assertThat(hits.get(0).title()).isEqualTo("new title");
        assertThat(hits.get(0).snippet()).isEqualTo("new snippet");
        assertThat(hits.get(0).score()).isCloseTo(1.0f, within(COSINE_TOLERANCE));
    }

    @Test
    void search_neverReturnsAnotherTenantsPoints() {
        // Tenants that differ only by case, suffix, separator or encoding, and share entity ids.
        List<String> tenants = List.of("acme", "acme2", "Acme", "acme/eu", "acme eu", "acmé");
        Map<String, Integer> perTenant = new HashMap<>();
        List<VectorPoint> points = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String tenant = tenants.get(random.nextInt(tenants.size()));
            int chunk = perTenant.merge(tenant, 1, Integer::sum);
            points.add(point(EntityKey.document(tenant, "doc-" + (chunk % 10)), chunk, 1, unitVector()));
        }
        store.upsert(points);
        store.flush();

        for (String tenant : tenants) {
            int owned = perTenant.getOrDefault(tenant, 0);
            for (int k : new int[] {1, 5, 50, 400}) {
                List<SearchHit> hits = store.search(tenant, unitVector(), k);
                assertThat(hits).as("seed %d, tenant '%s', k %d", seed, tenant, k)
                        .hasSize(Math.min(k, owned))
                        .allSatisfy(h -> assertThat(h.entity().tenantId()).isEqualTo(tenant));
                assertThat(hits.stream().map(h -> h.entity() + "#" + h.chunk()).distinct()).hasSize(hits.size());
            }
            assertThat(store.count(tenant)).as("seed %d, tenant '%s'", seed, tenant).isEqualTo(owned);
        }
    }

    /**
     * Tenant isolation over seeded random data ({@link MultiTenantFixture}: awkward tenant ids, shared entity ids,
     * vectors tied across tenants): every search of every tenant, at several k, returns only that tenant's own
     * points and as many as it owns up to k; counts and stored versions are per tenant; tombstoning and deleting one
     * tenant's entities leaves the same ids of every other tenant in place. Prints the seed.
     */
    @Test
    void randomizedMultiTenantData_searchAndWritesNeverCrossTenants() {
        MultiTenantFixture data = MultiTenantFixture.generate(MultiTenantFixture.seedFromPropertyOrRandom(), 12, 600,
                DIMS, MODEL);
        System.out.println(getClass().getSimpleName() + ": " + data.describe());
        Random queries = new Random(data.seed());
        store.upsert(data.points());
        store.flush();

        assertIsolated(data, queries, Set.of());

        // Tombstone half and delete the rest of the entities of a few tenants, each a prefix, case variant or
        // encoding of others that hold the same entity ids.
        Set<String> emptied = Set.of("acme", "Acme", "acme/eu", data.tenants().get(data.tenants().size() - 1));
        int n = 0;
        for (String t : emptied) {
            for (VectorPoint p : data.pointsOf(t)) {
                if (n++ % 2 == 0) {
                    store.tombstone(p.entity(), p.version() + 1);
                } else {
                    store.deleteEntity(p.entity(), 0);
                }
            }
        }
        store.flush();

        assertIsolated(data, queries, emptied);
    }

    /**
     * The same text in many entities and tenants gives identical vectors; HNSW links few of the copies, so a graph
     * walk filtered to one tenant can end short of k (Lucene did, before it learnt to rescan exactly).
     */
    @Test
    void identicalVectorsAcrossTenants_searchStillReturnsKOfTheTenantsOwn() {
        float[] same = unitVector();
        List<VectorPoint> points = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 60; i++) {
                points.add(point(EntityKey.document("tenant-" + t, "doc-" + i), 0, 1, same.clone()));
            }
        }
        store.upsert(points);
        store.flush();

        for (int t = 0; t < 8; t++) {
            String tenant = "tenant-" + t;
            for (int k : new int[] {5, 10, 30}) {
                assertThat(store.search(tenant, same, k)).as("tenant %s, k %d", tenant, k).hasSize(k)
                        .allSatisfy(h -> assertThat(h.entity().tenantId()).isEqualTo(tenant));
            }
        }
    }

    private void assertIsolated(MultiTenantFixture data, Random queries, Set<String> emptied) {
        List<String> all = new ArrayList<>(data.tenants());
        all.addAll(data.emptyTenants());
        for (String tenant : all) {
            int owned = emptied.contains(tenant) ? 0 : data.pointsOf(tenant).size();
            String why = String.format("%s, tenant '%s'", data.describe(), tenant);
            for (int k : new int[] {1, 3, 10, 1_000}) {
                List<SearchHit> hits = store.search(tenant, data.query(queries), k);
                List<String> foreign = emptied.contains(tenant) ? hits.stream().map(h -> h.entity() + "").toList()
                        : data.foreignHits(tenant, hits);
                assertThat(foreign).as("%s, k %d: hits not owned by the tenant", why, k).isEmpty();
                assertThat(hits).as("%s, k %d", why, k).hasSize(Math.min(k, owned));
            }
            assertThat(store.count(tenant)).as(why).isEqualTo(owned);
            List<EntityKey> keys = data.pointsOf(tenant).stream().map(VectorPoint::entity).toList();
            Map<EntityKey, Long> versions = store.storedVersions(keys);
            for (VectorPoint p : data.pointsOf(tenant)) {
                Long stored = versions.get(p.entity());
                if (emptied.contains(tenant)) { // tombstoned at version + 1, or deleted without a marker
                    assertThat(stored).as("%s, stored version of %s", why, p.entity()).isIn(null, p.version() + 1);
                } else {
                    assertThat(stored).as("%s, stored version of %s", why, p.entity()).isEqualTo(p.version());
                }
            }
        }
    }

    @Test
    void deleteEntity_removesAllItsChunks_andNothingElse() {
        EntityKey doomed = EntityKey.document("t1", "doc-1");
        EntityKey sameIdOtherTenant = EntityKey.document("t2", "doc-1");
        EntityKey sameIdOtherType = EntityKey.contact("t1", "doc-1");
        EntityKey neighbour = EntityKey.document("t1", "doc-2");
        List<VectorPoint> points = new ArrayList<>();
        for (int chunk = 0; chunk < 3; chunk++) {
            points.add(point(doomed, chunk, 1, unitVector()));
        }
        points.add(point(sameIdOtherTenant, 0, 1, unitVector()));
        points.add(point(sameIdOtherType, 0, 1, unitVector()));
        points.add(point(neighbour, 0, 1, unitVector()));
        store.upsert(points);
        store.flush();

        store.deleteEntity(doomed, 0);
        store.flush();

        assertThat(entitiesOf(store.search("t1", unitVector(), 50)))
                .containsExactlyInAnyOrder(sameIdOtherType, neighbour);
        assertThat(entitiesOf(store.search("t2", unitVector(), 50))).containsExactly(sameIdOtherTenant);
        assertThat(store.count(null)).isEqualTo(3);
    }

    @Test
    void deleteEntityFromChunk2_removesOnlyChunksTwoAndUp() {
        EntityKey e = EntityKey.document("t1", "long-doc");
        List<VectorPoint> points = new ArrayList<>();
        for (int chunk = 0; chunk < 5; chunk++) {
            points.add(point(e, chunk, 1, unitVector()));
        }
        store.upsert(points);
        store.flush();

        store.deleteEntity(e, 2);
        store.flush();

        assertThat(store.search("t1", unitVector(), 10)).extracting(SearchHit::chunk)
                .containsExactlyInAnyOrder(0, 1);
        assertThat(store.count("t1")).isEqualTo(2);
    }

    @Test
    void deleteOfAnUnknownEntity_isANoOp() {
        store.upsert(List.of(point(EntityKey.document("t1", "doc-1"), 0, 1, unitVector())));
        store.flush();

        assertThatCode(() -> {
            store.deleteEntity(EntityKey.document("t1", "no-such-doc"), 0);
            store.deleteEntity(EntityKey.document("no-such-tenant", "doc-1"), 0);
            store.deleteEntity(EntityKey.document("t1", "doc-1"), 1); // has only chunk 0
            store.flush();
        }).doesNotThrowAnyException();
        assertThat(store.count(null)).isEqualTo(1);
    }

    @Test
    void kLargerThanTheTenantsPoints_returnsThemAll() {
        List<VectorPoint> points = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            points.add(point(EntityKey.document("small", "doc-" + i), 0, 1, unitVector()));
        }
        for (int i = 0; i < 40; i++) {
            points.add(point(EntityKey.document("big", "doc-" + i), 0, 1, unitVector()));
        }
        store.upsert(points);
        store.flush();

        List<SearchHit> hits = store.search("small", unitVector(), 100);

        assertThat(hits).hasSize(7);
        assertThat(entitiesOf(hits)).containsExactlyInAnyOrderElementsOf(
                points.subList(0, 7).stream().map(VectorPoint::entity).toList());
    }

    @Test
    void search_returnsScoresDescending_equalToTheCosine() {
        Map<String, float[]> vectors = new HashMap<>();
        List<VectorPoint> points = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            VectorPoint p = point(EntityKey.document("t1", "doc-" + i), i % 3, 1, unitVector());
            points.add(p);
            vectors.put(p.entity() + "#" + p.chunk(), p.vector());
        }
        store.upsert(points);
        store.flush();
        float[] query = unitVector();

        List<SearchHit> hits = store.search("t1", query, 20);

        assertThat(hits).hasSize(20);
        for (int i = 0; i < hits.size(); i++) {
            SearchHit h = hits.get(i);
            assertThat(h.score()).as("hit %d", i)
                    .isBetween(-1f, 1f)
                    .isCloseTo((float) FloatVectors.cosine(query, vectors.get(h.entity() + "#" + h.chunk())),
                            within(COSINE_TOLERANCE));
            if (i > 0) {
                assertThat(h.score()).as("hit %d", i).isLessThanOrEqualTo(hits.get(i - 1).score());
            }
        }
    }

    @Test
    void vectorsOfTheWrongLength_areRejected_beforeAnyWrite() {
        VectorPoint good = point(EntityKey.document("t1", "good"), 0, 1, unitVector());
        VectorPoint tooLong = point(EntityKey.document("t1", "bad"), 0, 1, new float[DIMS + 1]);

        assertThatThrownBy(() -> store.upsert(List.of(good, tooLong))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.search("t1", new float[DIMS - 1], 5))
                .isInstanceOf(IllegalArgumentException.class);
        store.flush();
        assertThat(store.count(null)).isZero();
    }

    @Test
    void kBelowOne_isRejected() {
        assertThatThrownBy(() -> store.search("t1", unitVector(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reopenedStore_keepsFlushedPoints() {
        List<VectorPoint> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            points.add(point(EntityKey.document("t1", "doc-" + i), 0, 1, unitVector()));
        }
        store.upsert(points);
        store.flush();
        store.close();

        VectorStore reopened = track(open(collection, DIMS));

        assertThat(reopened.count("t1")).isEqualTo(10);
        SearchHit best = reopened.search("t1", points.get(4).vector(), 1).get(0);
        assertThat(best.entity()).isEqualTo(points.get(4).entity());
        assertThat(best.score()).isCloseTo(1.0f, within(COSINE_TOLERANCE));
    }

    @Test
    void reopeningWithOtherDims_isRefused() {
        store.close();

        assertThatThrownBy(() -> track(open(collection, DIMS + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(DIMS));
    }

    @Test
    void tenantAndEntityIds_withSlashesSpacesAndNonAscii_work() {
        List<EntityKey> entities = List.of(
                EntityKey.document("acme/eu", "a/b c"),
                EntityKey.document("acme", "a/b c"),
                EntityKey.document("acme eu", "ü/ö ø"),
                EntityKey.contact("Zürich 東京 🚀", "名前 / 1"),
                EntityKey.contact("%2F", "%20"));
        Map<EntityKey, float[]> vectors = new HashMap<>();
        for (EntityKey e : entities) {
            vectors.put(e, unitVector());
        }
        store.upsert(entities.stream().map(e -> point(e, 0, 1, vectors.get(e))).toList());
        store.flush();

        for (EntityKey e : entities) {
            assertThat(store.count(e.tenantId())).as(e.tenantId()).isEqualTo(1);
            List<SearchHit> hits = store.search(e.tenantId(), vectors.get(e), 10);
            assertThat(entitiesOf(hits)).as(e.tenantId()).containsExactly(e);
        }
        store.deleteEntity(entities.get(0), 0);
        store.flush();
        assertThat(store.count("acme/eu")).isZero();
        assertThat(store.count("acme")).isEqualTo(1);
    }

    @Test
    void countOfNullTenant_countsEveryTenant() {
        store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector()),
                point(EntityKey.document("t1", "a"), 1, 1, unitVector()),
                point(EntityKey.contact("t2", "b"), 0, 1, unitVector())));
        store.flush();

        assertThat(store.count(null)).isEqualTo(3);
        assertThat(store.count("t1")).isEqualTo(2);
        assertThat(store.count("t3")).isZero();
    }

    @Test
    void searchOfATenantWithoutPoints_returnsNoHits() {
        store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector())));
        store.flush();

        assertThat(store.search("t2", unitVector(), 10)).isEmpty();
    }

    @Test
    void concurrentUpserts_fromSeveralThreads_allLand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                List<VectorPoint> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(point(EntityKey.document("t1", "w" + thread + "-" + i), 0, 1, unitVector()));
                }
                writes.add(pool.submit(() -> {
                    for (VectorPoint p : batch) {
                        store.upsert(List.of(p));
                    }
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        store.flush();

        assertThat(store.count("t1")).isEqualTo(200);
    }

    @Test
    void closedStore_rejectsCalls_andClosesOnlyOnce() {
        store.close();

        assertThatCode(store::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector()))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.search("t1", unitVector(), 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.count("t1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void storedVersions_readTheirOwnUnflushedWrites_andLeaveUnknownEntitiesOut() {
        EntityKey a = EntityKey.document("t1", "a");
        EntityKey b = EntityKey.contact("t1", "b");
        store.upsert(List.of(point(a, 0, 4, unitVector()), point(a, 1, 4, unitVector()), point(b, 0, 9, unitVector())));

        assertThat(store.storedVersions(List.of(a, b, EntityKey.document("t1", "unknown"),
                EntityKey.document("t2", "a"), EntityKey.contact("t1", "a"))))
                .isEqualTo(Map.of(a, 4L, b, 9L));
        store.upsert(List.of(point(a, 0, 5, unitVector())));
        assertThat(store.storedVersions(List.of(a))).isEqualTo(Map.of(a, 5L));
        assertThat(store.storedVersions(List.of())).isEmpty();
    }

    @Test
    void tombstone_removesTheEntity_remembersItsVersion_andTheMarkerIsInvisibleToSearchAndCount() {
        EntityKey gone = EntityKey.document("t1", "gone");
        EntityKey kept = EntityKey.document("t1", "kept");
        float[] first = new float[DIMS];
        first[0] = 1f; // the direction a backend might give a marker's placeholder vector
        store.upsert(List.of(point(gone, 0, 3, first), point(gone, 1, 3, unitVector()), point(kept, 0, 1, first)));

        store.tombstone(gone, 7);
        store.tombstone(EntityKey.document("t1", "never-stored"), 2);
        store.flush();

        assertThat(store.storedVersions(List.of(gone, kept, EntityKey.document("t1", "never-stored"))))
                .isEqualTo(Map.of(gone, 7L, kept, 1L, EntityKey.document("t1", "never-stored"), 2L));
        assertThat(store.count("t1")).isEqualTo(1);
        assertThat(store.count(null)).isEqualTo(1);
        assertThat(store.search("t1", first, 10)).extracting(SearchHit::entity).containsExactly(kept);
        assertThat(store.storedVersions(List.of(EntityKey.document("t2", "gone")))).isEmpty();
        assertThatThrownBy(() -> store.tombstone(gone, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void upsertAfterTombstone_removesTheMarker_andLaterTombstonesReplaceIt() {
        EntityKey e = EntityKey.contact("t1", "back");
        store.tombstone(e, 2);
        store.tombstone(e, 4);
        assertThat(store.storedVersions(List.of(e))).isEqualTo(Map.of(e, 4L));

        store.upsert(List.of(point(e, 0, 5, unitVector())));
        store.flush();
        assertThat(store.storedVersions(List.of(e))).isEqualTo(Map.of(e, 5L));
        assertThat(store.count("t1")).isEqualTo(1);

        store.tombstone(e, 6);
        store.flush();
        assertThat(store.storedVersions(List.of(e))).isEqualTo(Map.of(e, 6L));
        assertThat(store.count("t1")).isZero();
    }

    @Test
    void deleteEntity_leavesTheDeleteMarker() {
        EntityKey deleted = EntityKey.document("t1", "d");
        store.tombstone(deleted, 3);
        store.deleteEntity(deleted, 0);
        store.deleteEntity(deleted, 1);
        assertThat(store.storedVersions(List.of(deleted))).isEqualTo(Map.of(deleted, 3L));
    }

    // Conditional writes: the sink's batch over this backend.

    @Test
    void sink_staleUpsertAfterNewerUpsert_isSkipped() {
        EntityKey e = EntityKey.document("t1", "e");
        SinkBatch.Applied first = apply(upsert(e, 5, 2));
        SinkBatch.Applied second = apply(upsert(e, 4, 3));
        store.flush();

        assertThat(first).isEqualTo(new SinkBatch.Applied(2, 0));
        assertThat(second).isEqualTo(new SinkBatch.Applied(0, 1));
        assertThat(store.search("t1", unitVector(), 10)).hasSize(2)
                .allSatisfy(h -> assertThat(h.version()).isEqualTo(5));
    }

    @Test
    void sink_staleUpsertAfterNewerDelete_doesNotResurrectTheEntity() {
        EntityKey e = EntityKey.contact("t1", "e");
        apply(upsert(e, 1, 1));
        apply(EmbeddingRecord.delete(e, 3, MODEL, DIMS, null));
        SinkBatch.Applied late = apply(upsert(e, 2, 1));
        store.flush();

        assertThat(late.stale()).isEqualTo(1);
        assertThat(store.count("t1")).isZero();
        assertThat(store.storedVersions(List.of(e))).isEqualTo(Map.of(e, 3L));

        apply(upsert(e, 4, 1)); // a re-create with a newer version comes back
        store.flush();
        assertThat(store.count("t1")).isEqualTo(1);
    }

    @Test
    void sink_equalVersion_isReapplied() {
        EntityKey e = EntityKey.document("t1", "e");
        EmbeddingRecord r = upsert(e, 3, 2);
        apply(r);
        store.deleteEntity(e, 1); // as if a redelivered record had to repair a half-written state
        SinkBatch.Applied again = apply(r);
        store.flush();

        assertThat(again).isEqualTo(new SinkBatch.Applied(2, 0));
        assertThat(store.count("t1")).isEqualTo(2);
    }

    @Test
    void sink_coalescesAPollByHighestVersion_notByArrival() {
        EntityKey e = EntityKey.document("t1", "e");
        EntityKey other = EntityKey.document("t2", "e"); // same id, another tenant: its own versions
        apply(upsert(other, 9, 1));
        SinkBatch.Applied applied = apply(upsert(e, 7, 3), upsert(e, 6, 1), EmbeddingRecord.delete(e, 5, MODEL, DIMS,
                null), upsert(other, 8, 2));
        store.flush();

        assertThat(applied).isEqualTo(new SinkBatch.Applied(3, 3));
        assertThat(store.count("t1")).isEqualTo(3);
        assertThat(store.search("t2", unitVector(), 10)).singleElement()
                .satisfies(h -> assertThat(h.version()).isEqualTo(9));
    }

    @Test
    void sink_newerUpsertWithUnknownPreviousChunks_removesChunksLeftByAnOlderVersion() {
        EntityKey e = EntityKey.document("t1", "moved");
        apply(upsert(e, 1, 4));
        // previousChunkCount 0: the embed task had no state for the entity (its key moved partitions)
        apply(EmbeddingRecord.upsert(e, 2, MODEL, DIMS, null, "t", chunks(1), 0));
        store.flush();

        assertThat(store.count("t1")).isEqualTo(1);
        assertThat(store.search("t1", unitVector(), 10)).singleElement()
                .satisfies(h -> assertThat(h.version()).isEqualTo(2));
    }

    /**
     * The poll that broke PartitionGrowthIT once in CI: the store holds v3 (long, 6 chunks); one poll brings v4
     * (short, "6 chunks before me") and v6 (short, "1 chunk before me": v5 was superseded in the embed worker's
     * buffer, so v6's count is v4's). Only v6 is written; v4's claim must still remove v3's chunks 1 to 5.
     */
    @Test
    void sink_pollWithSeveralVersions_removesTheChunksASupersededRecordWouldHave() {
        EntityKey e = EntityKey.document("t1", "d0");
        apply(EmbeddingRecord.upsert(e, 3, MODEL, DIMS, null, "v3", chunks(6), 1));
        SinkBatch.Applied applied = apply(EmbeddingRecord.upsert(e, 4, MODEL, DIMS, null, "v4", chunks(1), 6),
                EmbeddingRecord.upsert(e, 6, MODEL, DIMS, null, "v6", chunks(1), 1));
        store.flush();

        assertThat(applied).isEqualTo(new SinkBatch.Applied(1, 0));
        assertThat(store.search("t1", unitVector(), 10)).singleElement()
                .satisfies(h -> assertThat(h.version()).isEqualTo(6));
    }

    /** The same when the newer record arrives first in the poll (its key moved partitions) and knows nothing. */
    @Test
    void sink_pollWithAnOlderRecordAfterANewerUnknowingOne_removesLeftOverChunks() {
        EntityKey e = EntityKey.document("t1", "moved");
        apply(EmbeddingRecord.upsert(e, 3, MODEL, DIMS, null, "v3", chunks(4), 0));
        SinkBatch.Applied applied = apply(EmbeddingRecord.upsert(e, 5, MODEL, DIMS, null, "v5", chunks(2), 0),
                EmbeddingRecord.upsert(e, 4, MODEL, DIMS, null, "v4", chunks(1), 4));
        store.flush();

        assertThat(applied).isEqualTo(new SinkBatch.Applied(2, 1));
        assertThat(store.search("t1", unitVector(), 10)).hasSize(2)
                .allSatisfy(h -> assertThat(h.version()).isEqualTo(5));
    }

    private SinkBatch.Applied apply(EmbeddingRecord... records) {
        SinkBatch batch = new SinkBatch();
        for (EmbeddingRecord r : records) {
            batch.add(r);
        }
        return batch.applyTo(store);
    }

    private EmbeddingRecord upsert(EntityKey e, long version, int chunkCount) {
        return EmbeddingRecord.upsert(e, version, MODEL, DIMS, null, "v" + version, chunks(chunkCount), 0);
    }

    private List<ChunkVector> chunks(int n) {
        List<ChunkVector> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ChunkVector(i, 10, false, "chunk " + i, unitVector()));
        }
        return out;
    }

    /** A random vector on the unit sphere (normalised Gaussian), {@code float[DIMS]}. */
    @Test
    void fullLengthSnippet_comesBackWhole_asTheRerankPassage() {
        // the longest snippet a ChunkVector keeps, with non-ASCII text (UTF-8 multi-byte in both backends)
        String snippet = ("Zürich–Genève ✓ " + "passage text ".repeat(100)).substring(0,
                io.kembed.core.vector.ChunkVector.SNIPPET_CHARS);
        float[] v = unitVector();
        store.upsert(List.of(new VectorPoint(EntityKey.document("t1", "long"), 0, 1, MODEL, v, "t", snippet)));
        store.flush();
        assertThat(store.search("t1", v, 1).get(0).snippet()).isEqualTo(snippet).hasSize(1_024);
    }

    protected float[] unitVector() {
        float[] v = new float[DIMS];
        double sum = 0;
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) random.nextGaussian();
            sum += (double) v[i] * v[i];
        }
        double norm = Math.sqrt(sum);
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }

    protected static VectorPoint point(EntityKey e, int chunk, long version, float[] vector) {
        return new VectorPoint(e, chunk, version, MODEL, vector, "title of " + e.id(),
                "snippet " + chunk + " of " + e.id());
    }

    protected static Set<EntityKey> entitiesOf(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::entity).collect(Collectors.toCollection(HashSet::new));
    }
}

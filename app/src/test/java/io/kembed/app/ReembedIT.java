package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.reembed.Reembed;
import io.kembed.app.reembed.ReembedState;
import io.kembed.app.reembed.ReembedWorkers;
import io.kembed.app.reembed.SourceScan;
import io.kembed.app.reembed.StaleVectors;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorStore;
import io.kembed.producer.ChangePublisher;
import io.kembed.search.AliasSearch;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.sink.VectorStores;
import io.kembed.sink.lucene.LuceneAliases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A model switch on a live pipeline, on a real KRaft broker, real ONNX models and real Lucene collections: 10,000
 * contacts on model A ({@code all-minilm-l6-v2-q}); a re-embed to model B ({@code e5-small-v2-q}) starts while
 * updates and deletes keep arriving and searches run through the alias without pause; cutover is refused before
 * B has caught up, then done; B's collection ends equal to the latest source state; rollback returns the alias
 * to A, which is current too. {@code -Dkembed.reembed.entities=N} runs it on another size.
 */
class ReembedIT {

    private static final String MODEL_A = "all-minilm-l6-v2-q";
    private static final String MODEL_B = "e5-small-v2-q";
    private static final String TENANT = "t-reembed";
    private static final String ALIAS = CollectionNames.DEFAULT_ALIAS;
    private static final int ENTITIES = Integer.getInteger("kembed.reembed.entities", 10_000);
    /** Changes every 500 ms (about 20/s): a live stream both models embed while B also replays the corpus. */
    private static final int UPDATES_PER_ROUND = 10;
    private static final List<String> QUERIES = List.of("wind energy lobbyist", "farm policy adviser",
            "banking regulation", "medical devices", "rail transport");
    private static final String PROBE = "renewable energy consultant";
    private static final String[] COMPANIES = {"Acme Wind", "Green Farms", "Euro Bank", "MedTech", "Rail Union",
            "Solar Coop", "Fish Council", "Steel Works"};
    private static final String[] TITLES = {"policy adviser", "lobbyist", "director", "analyst", "secretary"};

    private TwoModelCluster fx;

    @BeforeEach
    void start() throws Exception {
        fx = new TwoModelCluster("kembed-reembed-it", MODEL_A, MODEL_B);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static ContactEvent contact(int i, long version) {
        return ContactEvent.upsert(TENANT, "c" + i, version, "Person " + i + " v" + version,
                COMPANIES[(int) ((i + version) % COMPANIES.length)], TITLES[i % TITLES.length], null, List.of());
    }

    @Test
    void modelSwitch_onALivePipeline_startStatusCutoverRollback_withoutAFailedSearch_andAnExactFinalState()
            throws Exception {
        TwoModelCluster.SharedModelA modelA = fx.startModelA("reembed", 4, ALIAS);
        TopicNames topics = modelA.topics();
        Path lucene = modelA.lucene();
        LuceneAliases aliases = modelA.aliases();
        VectorStore storeA = modelA.storeA();
        CaffeineSearchCache cache = modelA.cache();
        Reembed reembed = modelA.reembed();
        ReembedWorkers workersA = modelA.workersA();

        // Model A's corpus.
        ChangePublisher publisher = modelA.publisher();
        Map<Integer, Long> versions = new ConcurrentHashMap<>();
        for (int i = 0; i < ENTITIES; i++) {
            publisher.publish(contact(i, 1));
            versions.put(i, 1L);
        }
        publisher.flush();
        assertThat(LocalPipeline.awaitCondition(() -> workersA.isDrained(fx.admin)
                && storeA.count(TENANT) == ENTITIES, Duration.ofMinutes(5))).as("model A drained").isTrue();

        // Searches through the alias, without pause, from here to the end.
        VectorStore[] storeB = new VectorStore[1];
        AliasSearch search = fx.owned(new AliasSearch(aliases, ALIAS, collection -> {
            boolean a = collection.equals(storeA.collection());
            return SearchClient.builder(a ? storeA : storeB[0], new BiEncoderQueryEmbedder(a ? fx.encoderA : fx.encoderB))
                    .cache(cache).options(SearchOptions.defaults()).build();
        }));
        AtomicBoolean searching = new AtomicBoolean(true);
        List<Throwable> searchErrors = new CopyOnWriteArrayList<>();
        AtomicLong searches = new AtomicLong();
        // (model that answered, when the search started): checked against the alias's switch times below
        List<long[]> answeredBy = new CopyOnWriteArrayList<>();
        Thread searcher = new Thread(() -> {
            int q = 0;
            while (searching.get()) {
                long started = System.nanoTime();
                try {
                    SearchResult r = search.search(TENANT, QUERIES.get(q++ % QUERIES.size()), 5);
                    assertThat(r.collection()).isEqualTo(CollectionNames.of(ALIAS, r.modelId()));
                    assertThat(r.hits()).isNotEmpty();
                    answeredBy.add(new long[] {r.modelId().equals(MODEL_A) ? 0 : 1, started, System.nanoTime()});
                    searches.incrementAndGet();
                } catch (Throwable t) {
                    searchErrors.add(t);
                }
            }
        }, "searcher");
        searcher.start();

        // Updates and deletes keep arriving from here until the final check.
        AtomicBoolean updating = new AtomicBoolean(true);
        AtomicReference<Throwable> updateError = new AtomicReference<>();
        Thread updater = new Thread(() -> {
            Random random = new Random(42);
            try {
                while (updating.get()) {
                    for (int n = 0; n < UPDATES_PER_ROUND; n++) {
                        int i = random.nextInt(ENTITIES);
                        long v = versions.merge(i, 1L, Long::sum);
                        if (random.nextInt(5) == 0) {
                            publisher.publish(ContactEvent.delete(TENANT, "c" + i, v));
                        } else {
                            publisher.publish(contact(i, v));
                        }
                    }
                    publisher.flush();
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                updateError.set(t);
            }
        }, "updater");
        updater.start();

        // start: the re-embed's state is recorded; B's workers replay the change topics into B's collection.
        ReembedState state = reembed.start(MODEL_B);
        assertThat(reembed.state()).contains(state);
        assertThat(state.phase()).isEqualTo(ReembedState.Phase.RUNNING);
        assertThat(state.startOffsets().values().stream().mapToLong(Long::longValue).sum())
                .isGreaterThanOrEqualTo(ENTITIES);
        storeB[0] = fx.owned(VectorStores.lucene(lucene, state.toCollection(), 384));
        ReembedWorkers workersB = fx.owned(ReembedWorkers.start(reembed, state, fx.encoderB, storeB[0],
                fx.work.resolve("state-b"), new SimpleMeterRegistry(), cache::bumpGenerations));

        // cutover is refused while B is behind, and the alias stays on A.
        assertThatThrownBy(() -> reembed.cutover(Reembed.DEFAULT_MAX_LAG))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refusing to cut over");
        assertThat(aliases.resolve(ALIAS)).contains(storeA.collection());

        // status: per-partition progress of both new groups, moving.
        var first = reembed.progress(state);
        assertThat(first.partitions()).extracting(r -> r.group()).contains(Reembed.embedGroup(MODEL_B),
                Reembed.sinkGroup(ALIAS, MODEL_B));
        assertThat(first.partitions()).hasSize(4 * 2 + 4);

        // The stale-vector gauge: B's collection counted against the alias's model A is all "model"-stale.
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        StaleVectors staleB = new StaleVectors().bind(metrics, storeB[0].collection());

        // Wait until B has caught up (live changes still arriving), then cut over.
        long maxLag = 200; // a few seconds of the updater's changes in flight
        assertThat(LocalPipeline.awaitCondition(() -> reembed.check(state, maxLag).isEmpty(),
                Duration.ofMinutes(5))).as("B caught up: %s", reembed.check(state, maxLag)).isTrue();
        var later = reembed.progress(state);
        assertThat(later.committed(Reembed.embedGroup(MODEL_B))).isGreaterThan(first.committed(
                Reembed.embedGroup(MODEL_B)));
        StaleVectors.Count againstA = staleB.refresh(storeB[0], MODEL_A, Map.of());
        assertThat(againstA.otherModel()).isPositive();
        assertThat(metrics.get("kembed.store.stale_vectors").tag("reason", "model").gauge().value())
                .isEqualTo((double) againstA.otherModel());

        // A query the searcher thread never sends, so only this thread fills and reads its cache entries.
        assertThat(search.search(TENANT, PROBE, 5).modelId()).isEqualTo(MODEL_A);
        SearchResult beforeCutover = search.search(TENANT, PROBE, 5);
        assertThat(beforeCutover.modelId()).isEqualTo(MODEL_A);
        assertThat(beforeCutover.fromResultCache() || beforeCutover.queryEmbeddingCached())
                .as("A's answer or query vector is cached").isTrue();
        // Live changes keep the lag moving: an operator retries a refused cutover, so does the test.
        AtomicReference<ReembedState> cutRef = new AtomicReference<>();
        assertThat(LocalPipeline.awaitCondition(() -> {
            try {
                cutRef.set(reembed.cutover(maxLag));
                return true;
            } catch (IllegalStateException behind) {
                return false;
            }
        }, Duration.ofMinutes(2))).as("cut over").isTrue();
        ReembedState cut = cutRef.get();
        long cutAt = System.nanoTime();
        assertThat(cut.phase()).isEqualTo(ReembedState.Phase.CUT_OVER);
        assertThat(aliases.resolve(ALIAS)).contains(storeB[0].collection());
        // Nothing computed with A is served after the switch: the same query is answered by B, not from a cache.
        SearchResult afterCutover = search.search(TENANT, PROBE, 5);
        assertThat(afterCutover.modelId()).isEqualTo(MODEL_B);
        assertThat(afterCutover.fromResultCache()).isFalse();
        assertThat(afterCutover.queryEmbeddingCached()).isFalse();

        Thread.sleep(2_000); // live changes and searches continue on B for a while
        updating.set(false);
        updater.join();
        assertThat(updateError.get()).isNull();
        assertThat(LocalPipeline.awaitCondition(() -> workersB.isDrained(fx.admin) && workersA.isDrained(fx.admin),
                Duration.ofMinutes(2))).as("both models drained").isTrue();
        storeA.flush();
        storeB[0].flush();

        // B equals the latest source state exactly: the same ids, the latest versions, no deleted entity.
        Map<EntityKey, SourceScan.Latest> latest = SourceScan.latest(reembed.clientProperties(), topics,
                Predicate.isEqual(TENANT), false);
        assertThat(latest).hasSize(ENTITIES);
        long live = latest.values().stream().filter(l -> !l.deleted()).count();
        assertThat(live).isLessThan(ENTITIES).as("some deletes happened");
        Map<Integer, Long> expected = new HashMap<>(versions);
        latest.forEach((k, l) -> assertThat(l.version())
                .isEqualTo(expected.get(Integer.parseInt(k.id().substring(1)))));
        assertExact(storeB[0], MODEL_B, latest, live);
        assertThat(StaleVectors.count(storeB[0], MODEL_B, latest).isZero()).isTrue();

        long cutoverSearches = answeredBy.stream().filter(a -> a[1] > cutAt).count();
        assertThat(cutoverSearches).isPositive();
        assertThat(answeredBy.stream().filter(a -> a[1] > cutAt)).allSatisfy(a -> assertThat(a[0]).isEqualTo(1));

        // rollback: the alias is A's again, searches are answered by A, and A is current too.
        ReembedState back = reembed.rollback();
        long backAt = System.nanoTime();
        assertThat(back.phase()).isEqualTo(ReembedState.Phase.ROLLED_BACK);
        assertThat(reembed.state().orElseThrow().phase()).isEqualTo(ReembedState.Phase.ROLLED_BACK);
        assertThat(search.search(TENANT, QUERIES.get(1), 5).modelId()).isEqualTo(MODEL_A);
        assertExact(storeA, MODEL_A, latest, live);
        assertThat(LocalPipeline.awaitCondition(() -> answeredBy.stream().filter(a -> a[1] > backAt).count() > 3,
                Duration.ofSeconds(30))).isTrue();
        assertThat(answeredBy.stream().filter(a -> a[1] > backAt)).allSatisfy(a -> assertThat(a[0]).isZero());

        // cleanup is refused while rolled back, within the grace period, and while A's workers run; then it drops
        // A's collection, groups and vectors topic, and there is no rollback any more. Searches go on, on B.
        assertThatThrownBy(() -> reembed.cleanup(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        assertThat(LocalPipeline.awaitCondition(() -> {
            try {
                reembed.cutover(maxLag);
                return true;
            } catch (IllegalStateException behind) {
                return false;
            }
        }, Duration.ofMinutes(1))).as("cut over again").isTrue();
        assertThatThrownBy(() -> reembed.cleanup(Duration.ofHours(1))).hasMessageContaining("grace period");
        assertThatThrownBy(() -> reembed.cleanup(Duration.ZERO)).hasMessageContaining("stop the " + MODEL_A);
        workersA.close();
        storeA.close();
        AtomicReference<ReembedState> cleaned = new AtomicReference<>();
        assertThat(LocalPipeline.awaitCondition(() -> {
            try {
                cleaned.set(reembed.cleanup(Duration.ZERO));
                return true;
            } catch (IllegalStateException membersLeaving) {
                return false;
            }
        }, Duration.ofSeconds(60))).as("cleanup once A's workers left their groups").isTrue();
        assertThat(cleaned.get().phase()).isEqualTo(ReembedState.Phase.CLEANED_UP);
        assertThat(Files.exists(lucene.resolve(storeA.collection()))).isFalse();
        assertThat(fx.admin.listTopics().names().get()).doesNotContain(topics.vectors(MODEL_A))
                .contains(topics.vectors(MODEL_B));
        assertThat(fx.admin.listGroups().all().get()).extracting(g -> g.groupId())
                .doesNotContain(Reembed.embedGroup(MODEL_A), Reembed.sinkGroup(ALIAS, MODEL_A));
        assertThatThrownBy(reembed::rollback).isInstanceOf(IllegalStateException.class);
        long cleanedAt = System.nanoTime();
        assertThat(LocalPipeline.awaitCondition(() -> answeredBy.stream().filter(a -> a[1] > cleanedAt).count() > 3,
                Duration.ofSeconds(30))).isTrue();

        searching.set(false);
        searcher.join();
        assertThat(searchErrors).as("failed searches").isEmpty();
        assertThat(searches.get()).isGreaterThan(20);
    }

    private static void assertExact(VectorStore store, String model, Map<EntityKey, SourceScan.Latest> latest,
            long live) {
        assertThat(store.count(TENANT)).as("points of %s", store.collection()).isEqualTo(live);
        assertThat(store.countOtherModels(model)).isZero();
        Map<EntityKey, Long> stored = new HashMap<>();
        List<EntityKey> keys = new ArrayList<>(latest.keySet());
        for (int i = 0; i < keys.size(); i += 2_000) {
            stored.putAll(store.storedVersions(keys.subList(i, Math.min(keys.size(), i + 2_000))));
        }
        latest.forEach((k, l) -> assertThat(stored.get(k)).as("%s in %s", k, store.collection())
                .isEqualTo(l.version()));
    }
}

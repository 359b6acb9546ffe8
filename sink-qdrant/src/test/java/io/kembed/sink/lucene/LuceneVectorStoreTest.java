package io.kembed.sink.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import io.kembed.sink.VectorStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store contract on {@link LuceneVectorStore} in a temporary directory, plus Lucene-only behaviour. */
class LuceneVectorStoreTest extends VectorStoreContract {

    @TempDir
    Path dir;

    @Override
    protected VectorStore open(String collection, int dims) {
        return LuceneVectorStore.open(dir, collection, dims);
    }

    @Test
    void collection_livesInItsOwnDirectory_withItsDimsRecorded() throws Exception {
        Path meta = dir.resolve(collection).resolve(CollectionMetadata.FILE_NAME);

        assertThat(meta).exists();
        assertThat(Files.readAllLines(meta)).contains("dims=" + DIMS);
    }

    @Test
    void writes_becomeVisibleOnFlush() {
        store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector())));

        assertThat(store.count("t1")).isZero();
        store.flush();
        assertThat(store.count("t1")).isEqualTo(1);
    }

    /**
     * The sink reads versions right after writing (its version-conditional writes depend on it) while other threads
     * (the stale-vectors gauge, a test) read versions too. A reader that found the index changed used to clear a
     * shared flag and then refresh, so a concurrent reader skipped its refresh and read the older searcher: its own
     * write was missing. Run with a reader on another thread the whole time.
     */
    @Test
    void storedVersions_seeTheCallersOwnWrites_whileAnotherThreadReadsVersions() throws Exception {
        EntityKey mine = EntityKey.document("t1", "mine");
        EntityKey theirs = EntityKey.document("t1", "theirs");
        store.upsert(List.of(point(theirs, 0, 1, unitVector())));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread other = new Thread(() -> {
            while (!done.get()) {
                store.storedVersions(List.of(theirs));
                store.upsert(List.of(point(theirs, 0, 1, unitVector()))); // keeps the index changing
            }
        });
        other.start();
        int missed = 0;
        try {
            for (long v = 1; v <= 500; v++) {
                store.upsert(List.of(point(mine, 0, v, unitVector())));
                if (!java.util.Map.of(mine, v).equals(store.storedVersions(List.of(mine)))) {
                    missed++;
                }
            }
        } finally {
            done.set(true);
            other.join();
        }
        assertThat(missed).as("reads that missed the caller's own write, of 500").isZero();
    }

    @Test
    void close_commitsUnflushedWrites() {
        store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, unitVector())));
        store.close();

        assertThat(track(open(collection, DIMS)).count("t1")).isEqualTo(1);
    }

    @Test
    void secondOpenOfAnOpenCollection_failsWithVectorStoreException() {
        assertThatThrownBy(() -> track(open(collection, DIMS)))
                .isInstanceOf(VectorStoreException.class)
                .hasMessageContaining("already open");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../escape", "a/b", "a\\b", ".hidden", "sp ace"})
    void unsafeCollectionNames_areRejected(String name) {
        assertThatThrownBy(() -> LuceneVectorStore.open(dir, name, DIMS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, LuceneVectorStore.MAX_DIMS + 1})
    void dimsOutOfRange_areRejected(int dims) {
        assertThatThrownBy(() -> LuceneVectorStore.open(dir, "other", dims))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void luceneDotProductScore_mapsBackToTheCosine() {
        // Lucene scores DOT_PRODUCT as (1 + cos) / 2.
        assertThat(LuceneDocuments.cosine(1f)).isEqualTo(1f);
        assertThat(LuceneDocuments.cosine(0.5f)).isEqualTo(0f);
        assertThat(LuceneDocuments.cosine(0f)).isEqualTo(-1f);
        assertThat(LuceneDocuments.cosine(0.75f)).isCloseTo(0.5f, within(1e-6f));
        assertThat(LuceneDocuments.cosine(1.0000001f)).isEqualTo(1f);
    }

    @Test
    void nonFiniteVectors_areRejected() {
        float[] v = unitVector();
        v[3] = Float.NaN;

        assertThatThrownBy(() -> store.upsert(List.of(point(EntityKey.document("t1", "a"), 0, 1, v))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topOne_findsTheExactPoint_amongManyNearDuplicates() {
        // 400 points close to one another (like the vectors of "Valid neighbour number 123" texts): with Lucene's k
        // doubling as the HNSW beam width, a k=1 graph walk is greedy and can stop at a near-duplicate.
        java.util.Random random = new java.util.Random(42);
        float[] base = unitVector();
        List<io.kembed.core.store.VectorPoint> points = new java.util.ArrayList<>();
        List<float[]> vectors = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            float[] v = base.clone();
            v[i % DIMS] += 0.1f + 0.2f * random.nextFloat();
            v[(i * 7 + 3) % DIMS] -= 0.1f + 0.2f * random.nextFloat();
            vectors.add(v);
            points.add(point(EntityKey.contact("t1", "n-" + i), 0, 1, v));
        }
        store.upsert(points);
        store.flush();

        int misses = 0;
        for (int i = 0; i < 400; i++) {
            List<io.kembed.core.store.SearchHit> top = store.search("t1", vectors.get(i), 1);
            if (!top.get(0).entity().id().equals("n-" + i)) {
                misses++;

            }
        }
        assertThat(misses).as("top-1 searches that missed the exact point").isZero();
    }
}

package io.kembed.sink.lucene;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.PointIds;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.store.VectorStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * An embedded, on-disk {@link VectorStore}: one Apache Lucene 9 index per collection, with an HNSW graph over the
 * vectors. The default store of kembed's embedded mode; no server needed.
 *
 * <p><b>Layout.</b> {@code dir/<collection>/} holds the Lucene index and {@code kembed-collection.properties}, which
 * records the vector dimensions; opening a collection with other dimensions fails.
 *
 * <p><b>Vectors and scores.</b> Vectors are L2-normalised on write and at query time (as Qdrant does for its
 * {@code Cosine} distance; an all-zero vector stays zero) and indexed with {@code DOT_PRODUCT}, which then equals the
 * cosine. Lucene's score {@code (1 + cos) / 2} is converted back, so {@link SearchHit#score()} is the cosine in
 * [-1, 1].
 *
 * <p><b>HNSW.</b> Lucene's default codec parameters, from {@link Lucene99HnswVectorsFormat}: {@value #HNSW_M}
 * neighbours per node ({@code DEFAULT_MAX_CONN}, "M") and a beam of {@value #HNSW_BEAM_WIDTH} candidates while
 * building the graph ({@code DEFAULT_BEAM_WIDTH}). The tenant filter runs inside the kNN query: Lucene explores the
 * graph only through that tenant's documents and switches to an exact scan when the tenant has few of them, so a
 * search returns up to {@code k} of the tenant's points even when other tenants hold most of the index. When the
 * graph walk still ends short of {@code k} (many identical vectors), the search is repeated as an exact scan of the
 * tenant's points (up to {@value #MAX_EXACT_RETRY} of them).
 *
 * <p><b>Delete markers.</b> {@link #tombstone} leaves one document per deleted entity with the id
 * {@code PointIds.marker(entity)}, the entity fields, chunk {@value PointIds#MARKER_CHUNK}, the delete's version,
 * {@code deleted=true} and no vector field: the kNN query cannot return it and {@link #count} excludes it. An
 * {@link #upsert} deletes the markers of the entities it writes.
 *
 * <p><b>Visibility.</b> Near-real-time: a {@link SearcherManager} is refreshed by {@link #flush()}, which also
 * commits. Searches and counts see every write that preceded the last {@code flush()}; they may or may not see later
 * ones. {@link #storedVersions} refreshes the searcher first when anything was written since the last refresh
 * (an NRT reopen: no commit, no fsync), so it reads its own writes. {@link #close()} commits too.
 *
 * <p><b>Threads.</b> Every method may be called from any thread; {@link #close()} waits for calls in flight, and
 * calls after it throw {@link IllegalStateException}.
 */
public final class LuceneVectorStore implements VectorStore {

    /** HNSW neighbours per node: {@code Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN}. */
    public static final int HNSW_M = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;

    /** HNSW candidates kept while inserting: {@code Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH}. */
    public static final int HNSW_BEAM_WIDTH = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;

    /**
     * Most points of a tenant scanned exactly when the graph search returned fewer than {@code k} hits: the scan
     * costs one dot product per point (about 4 ms for 10,000 points of 384 dims), so a larger tenant keeps the
     * graph's answer.
     */
    static final int MAX_EXACT_RETRY = 10_000;

    /**
     * Smallest HNSW beam (Lucene's {@code k} in {@code KnnFloatVectorQuery}) a search walks with, whatever the
     * top-k asked for: 100, the {@code ef} that HNSW recall tables commonly start from (Malkov and Yashunin, 2018,
     * "Efficient and robust approximate nearest neighbor search using HNSW graphs"), at a cost of about 100 dot
     * products more than a k=1 walk.
     */
    static final int MIN_BEAM = 100;

    /**
     * Qdrant's default {@code full_scan_threshold}, 10,000 KB of vectors (Qdrant documentation, "Indexing": below it
     * a filtered search scans instead of walking the HNSW graph): the same here, so a tenant with fewer points than
     * that many KB of {@code float[dims]} is searched exactly (6,666 points at 384 dims, a few ms at most).
     */
    static final int FULL_SCAN_THRESHOLD_KB = 10_000;

    /** Largest vector Lucene 9 indexes by default: {@code KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS}. */
    public static final int MAX_DIMS = KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS;

    /** A collection name is one safe path segment: letters, digits, {@code _ . -}, at most 255 chars. */
    private static final Pattern COLLECTION_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}");

    private final String collection;
    private final int dims;
    /** Tenants with at most this many points are searched exactly ({@link #FULL_SCAN_THRESHOLD_KB}). */
    private final int exactScanMaxPoints;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle
    /** Writes completed so far: each write method adds one after its last {@link IndexWriter} call. */
    private final AtomicLong completedWrites = new AtomicLong();
    /**
     * At least this many writes are visible to the current searcher: a refresh raises it to the count read before
     * it started. Two counters, not a flag, so a thread whose read races with another thread's refresh still
     * refreshes itself instead of reading the searcher the other refresh has not replaced yet.
     */
    private final AtomicLong visibleWrites = new AtomicLong();

    private LuceneVectorStore(String collection, int dims, Directory directory, IndexWriter writer,
            SearcherManager searchers) {
        this.collection = collection;
        this.dims = dims;
        this.exactScanMaxPoints = FULL_SCAN_THRESHOLD_KB * 1024 / (dims * Float.BYTES);
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
    }

    /**
     * Opens collection {@code collection} under {@code dir}, creating it if missing.
     *
     * @param dir parent directory of all collections; created if missing
     * @param collection collection name: {@code [A-Za-z0-9_][A-Za-z0-9_.-]*}, at most 255 chars
     * @param dims vector dimensions, 1 to {@value #MAX_DIMS}
     * @throws IllegalArgumentException for a bad name or dimensions, or if the collection exists with other dims
     * @throws VectorStoreException if the index cannot be opened (I/O error, or already open in this or another
     *         process: Lucene allows one writer per index)
     */
    public static LuceneVectorStore open(Path dir, String collection, int dims) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(collection, "collection");
        if (!COLLECTION_NAME.matcher(collection).matches() || collection.equals("..")) {
            throw new IllegalArgumentException("collection name '" + collection
                    + "' must match " + COLLECTION_NAME.pattern());
        }
        if (dims < 1 || dims > MAX_DIMS) {
            throw new IllegalArgumentException("dims must be in [1, " + MAX_DIMS + "], got " + dims);
        }
        Path indexDir = dir.resolve(collection);
        Directory directory = null;
        IndexWriter writer = null;
        try {
            Files.createDirectories(indexDir);
            directory = FSDirectory.open(indexDir);
            writer = new IndexWriter(directory,
                    new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
            CollectionMetadata.createOrVerify(indexDir, collection, dims); // under the writer's lock
            SearcherManager searchers = new SearcherManager(writer, null);
            return new LuceneVectorStore(collection, dims, directory, writer, searchers);
        } catch (LockObtainFailedException e) {
            IOUtils.closeWhileHandlingException(writer, directory);
            throw new VectorStoreException("Lucene collection '" + collection + "' at " + indexDir
                    + " is already open in this or another process", e);
        } catch (IOException e) {
            IOUtils.closeWhileHandlingException(writer, directory);
            throw new VectorStoreException("cannot open Lucene collection '" + collection + "' at " + indexDir, e);
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(writer, directory);
            throw e;
        }
    }

    @Override
    public String collection() {
        return collection;
    }

    @Override
    public int dims() {
        return dims;
    }

    /** {@inheritDoc} Each point replaces the document with its id ({@code IndexWriter.updateDocument}). */
    @Override
    public void upsert(List<VectorPoint> points) {
        Objects.requireNonNull(points, "points");
        List<float[]> unit = new ArrayList<>(points.size());
        for (VectorPoint p : points) { // validate all before writing any
            unit.add(unitVector(p.vector(), "point " + p.entity() + "#" + p.chunk()));
        }
        withOpenStore(() -> {
            Set<EntityKey> entities = new LinkedHashSet<>();
            for (int i = 0; i < points.size(); i++) {
                VectorPoint p = points.get(i);
                writer.updateDocument(LuceneDocuments.idTerm(p), LuceneDocuments.toDocument(p, unit.get(i)));
                entities.add(p.entity());
            }
            for (EntityKey e : entities) {
                writer.deleteDocuments(LuceneDocuments.markerTerm(e));
            }
            return completedWrites.incrementAndGet();
        });
    }

    /**
     * {@inheritDoc} The marker replaces any earlier one ({@code updateDocument} on its id).
     *
     * @throws IllegalArgumentException if {@code version < 0}
     */
    @Override
    public void tombstone(EntityKey entity, long version) {
        Objects.requireNonNull(entity, "entity");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        withOpenStore(() -> {
            writer.updateDocument(LuceneDocuments.markerTerm(entity), LuceneDocuments.toMarker(entity, version));
            writer.deleteDocuments(LuceneDocuments.entityChunksFrom(entity, 0));
            return completedWrites.incrementAndGet();
        });
    }

    /** {@inheritDoc} One term query over the ids of the entities' chunk 0 and markers. */
    @Override
    public Map<EntityKey, Long> storedVersions(Collection<EntityKey> entities) {
        Objects.requireNonNull(entities, "entities");
        Map<String, EntityKey> byId = new HashMap<>();
        for (EntityKey e : entities) {
            byId.put(PointIds.of(e, 0).toString(), e);
            byId.put(PointIds.marker(e).toString(), e);
        }
        if (byId.isEmpty()) {
            return Map.of();
        }
        return withOpenStore(() -> {
            long completed = completedWrites.get();
            if (visibleWrites.get() < completed) {
                refreshCovering(completed);
            }
            return withSearcher(searcher -> {
                List<BytesRef> terms = byId.keySet().stream().map(BytesRef::new).toList();
                TopDocs top = searcher.search(new TermInSetQuery(LuceneDocuments.ID, terms), byId.size());
                StoredFields stored = searcher.storedFields();
                Map<EntityKey, Long> versions = new HashMap<>();
                for (ScoreDoc sd : top.scoreDocs) {
                    Document doc = stored.document(sd.doc, Set.of(LuceneDocuments.ID, LuceneDocuments.VERSION));
                    EntityKey e = byId.get(doc.get(LuceneDocuments.ID));
                    long version = doc.getField(LuceneDocuments.VERSION).numericValue().longValue();
                    versions.merge(e, version, Math::max);
                }
                return versions;
            });
        });
    }

    /** @throws IllegalArgumentException if {@code fromChunk < 0} */
    @Override
    public void deleteEntity(EntityKey entity, int fromChunk) {
        Objects.requireNonNull(entity, "entity");
        if (fromChunk < 0) {
            throw new IllegalArgumentException("fromChunk must be >= 0, got " + fromChunk);
        }
        withOpenStore(() -> {
            writer.deleteDocuments(LuceneDocuments.entityChunksFrom(entity, fromChunk));
            return completedWrites.incrementAndGet();
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code query} is not {@code float[dims]}, holds NaN or infinity, or
     *         {@code k < 1}
     */
    @Override
    public List<SearchHit> search(String tenantId, float[] query, int k) {
        Objects.requireNonNull(tenantId, "tenantId");
        float[] unitQuery = unitVector(query, "query");
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return withSearcher(searcher -> {
            // Lucene sizes its result queue by k: cap it by the documents there are.
            int n = Math.min(k, Math.max(1, searcher.getIndexReader().numDocs()));
            int owned = searcher.count(LuceneDocuments.points(tenantId));
            if (owned == 0) {
                return List.of();
            }
            TopDocs top;
            if (owned <= exactScanMaxPoints) {
                // A small tenant is scanned exactly, as Qdrant does below its full_scan_threshold: Lucene scans
                // when the filter matches at most k documents, so ask for all of them and keep the best n.
                top = searcher.search(new KnnFloatVectorQuery(LuceneDocuments.VECTOR, unitQuery, owned,
                        LuceneDocuments.tenant(tenantId)), n);
            } else {
                // Lucene's k is also the HNSW beam width (efSearch): a k=1 walk is greedy and stops at the first
                // local optimum, often a near-duplicate of the nearest point. Walk with at least MIN_BEAM.
                top = searcher.search(new KnnFloatVectorQuery(LuceneDocuments.VECTOR, unitQuery,
                        Math.max(n, MIN_BEAM), LuceneDocuments.tenant(tenantId)), n);
            }
            if (top.scoreDocs.length < n) {
                // The graph walk can end short of k when many vectors are identical (the same text in many
                // entities or tenants): HNSW's diversity rule links few of the copies. Lucene scans exactly when
                // the filter matches at most k documents, so ask again for all of the tenant's points.
                if (owned > top.scoreDocs.length) {
                    int all = Math.min(owned, MAX_EXACT_RETRY);
                    top = searcher.search(new KnnFloatVectorQuery(LuceneDocuments.VECTOR, unitQuery, all,
                            LuceneDocuments.tenant(tenantId)), n);
                }
            }
            StoredFields stored = searcher.storedFields();
            List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                hits.add(LuceneDocuments.toHit(stored.document(sd.doc), sd.score));
            }
            return hits;
        });
    }

    @Override
    public long count(String tenantId) {
        return withSearcher(searcher -> (long) searcher.count(LuceneDocuments.points(tenantId)));
    }

    @Override
    public long countOtherModels(String modelId) {
        return withSearcher(searcher -> (long) searcher.count(LuceneDocuments.otherModels(modelId)));
    }

    /**
     * Reopens the searcher (blocking while another thread reopens it, then reopening again) so that it sees at least
     * the first {@code completed} writes, and records that.
     */
    private void refreshCovering(long completed) throws IOException {
        searchers.maybeRefreshBlocking();
        visibleWrites.accumulateAndGet(completed, Math::max);
    }

    /** Commits (durable on disk) and refreshes the searcher (visible to {@link #search} and {@link #count}). */
    @Override
    public void flush() {
        withOpenStore(() -> {
            long completed = completedWrites.get();
            writer.commit();
            refreshCovering(completed);
            return null;
        });
    }

    /** Commits pending writes and releases the index. Idempotent. */
    @Override
    public void close() {
        Lock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOUtils.close(searchers, writer, directory); // IndexWriter.close() commits
        } catch (IOException e) {
            throw new VectorStoreException("cannot close Lucene collection '" + collection + "'", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LuceneVectorStore[collection=" + collection + ", dims=" + dims + ", dir=" + directory + "]";
    }

    /**
     * @return a normalised copy of {@code v}
     * @throws IllegalArgumentException if {@code v} is not {@code float[dims]} or holds NaN or infinity
     */
    private float[] unitVector(float[] v, String what) {
        Objects.requireNonNull(v, what);
        if (v.length != dims) {
            throw new IllegalArgumentException(what + " has " + v.length + " dims; collection '" + collection
                    + "' holds " + dims);
        }
        double sum = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException(what + " holds a non-finite value: " + x);
            }
            sum += (double) x * x;
        }
        float[] unit = v.clone();
        if (sum > 0) {
            double norm = Math.sqrt(sum);
            for (int i = 0; i < unit.length; i++) {
                unit[i] = (float) (unit[i] / norm);
            }
        }
        return unit;
    }

    private <T> T withSearcher(SearcherAction<T> action) {
        return withOpenStore(() -> {
            IndexSearcher searcher = searchers.acquire();
            try {
                return action.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        });
    }

    private <T> T withOpenStore(IoAction<T> action) {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("Lucene collection '" + collection + "' is closed");
            }
            return action.run();
        } catch (IOException e) {
            throw new VectorStoreException("I/O error on Lucene collection '" + collection + "': "
                    + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    private interface SearcherAction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }
}

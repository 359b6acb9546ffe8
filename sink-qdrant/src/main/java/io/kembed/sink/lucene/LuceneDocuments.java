package io.kembed.sink.lucene;

import io.kembed.core.event.EntityKey;
import io.kembed.core.event.EntityType;
import io.kembed.core.store.PointIds;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorPoint;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * How a {@link VectorPoint} is laid out as a Lucene document, and the queries over that layout. Pure functions.
 * Field names match the Qdrant payload keys, so both stores read alike.
 */
final class LuceneDocuments {

    /** Point id: the UUIDv5 from {@code PointIds}, as a string term; the key of {@code updateDocument}. */
    static final String ID = "id";
    static final String TENANT = "tenant";
    static final String ENTITY_TYPE = "entity_type";
    static final String ENTITY_ID = "entity_id";
    static final String CHUNK = "chunk";
    static final String VERSION = "version";
    static final String MODEL_ID = "model_id";
    /** Stored only: the revision of the model's weights ({@code VectorPoint.modelRevision()}). */
    static final String MODEL_REVISION = "model_revision";
    static final String TITLE = "title";
    static final String SNIPPET = "snippet";
    static final String VECTOR = "vector";
    /** Present, with value {@code "true"}, only on an entity's delete marker. */
    static final String DELETED = "deleted";

    /**
     * Vectors are stored L2-normalised, so the dot product is the cosine. Lucene scores DOT_PRODUCT as
     * {@code max((1 + dot) / 2, 0)} ({@link VectorSimilarityFunction#DOT_PRODUCT}); {@link #cosine(float)} inverts it.
     */
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private LuceneDocuments() {
    }

    /**
     * @param unitVector the point's vector, L2-normalised, {@code float[dims]}
     */
    static Document toDocument(VectorPoint point, float[] unitVector) {
        EntityKey e = point.entity();
        Document doc = new Document();
        doc.add(new StringField(ID, point.id().toString(), Field.Store.YES));
        doc.add(new StringField(TENANT, e.tenantId(), Field.Store.YES));
        doc.add(new StringField(ENTITY_TYPE, e.type().wire(), Field.Store.YES));
        doc.add(new StringField(ENTITY_ID, e.id(), Field.Store.YES));
        doc.add(new IntPoint(CHUNK, point.chunk()));
        doc.add(new StoredField(CHUNK, point.chunk()));
        doc.add(new LongPoint(VERSION, point.version()));
        doc.add(new StoredField(VERSION, point.version()));
        doc.add(new StringField(MODEL_ID, point.modelId(), Field.Store.YES));
        doc.add(new StoredField(MODEL_REVISION, point.modelRevision()));
        doc.add(new StoredField(TITLE, point.title()));
        doc.add(new StoredField(SNIPPET, point.snippet()));
        doc.add(new KnnFloatVectorField(VECTOR, unitVector, SIMILARITY));
        return doc;
    }

    /**
     * The delete marker of {@code entity}: its id ({@code PointIds.marker}), entity fields, chunk
     * {@value PointIds#MARKER_CHUNK}, the delete's version and {@value #DELETED}{@code =true}, and no vector field,
     * so kNN queries never see it.
     */
    static Document toMarker(EntityKey e, long version) {
        Document doc = new Document();
        doc.add(new StringField(ID, PointIds.marker(e).toString(), Field.Store.YES));
        doc.add(new StringField(TENANT, e.tenantId(), Field.Store.YES));
        doc.add(new StringField(ENTITY_TYPE, e.type().wire(), Field.Store.YES));
        doc.add(new StringField(ENTITY_ID, e.id(), Field.Store.YES));
        doc.add(new IntPoint(CHUNK, PointIds.MARKER_CHUNK));
        doc.add(new StoredField(CHUNK, PointIds.MARKER_CHUNK));
        doc.add(new LongPoint(VERSION, version));
        doc.add(new StoredField(VERSION, version));
        doc.add(new StringField(DELETED, "true", Field.Store.NO));
        return doc;
    }

    static Term idTerm(VectorPoint point) {
        return new Term(ID, point.id().toString());
    }

    static Term markerTerm(EntityKey entity) {
        return new Term(ID, PointIds.marker(entity).toString());
    }

    /** Matches every document of {@code tenantId}: the pre-filter of the kNN query (markers have no vector). */
    static Query tenant(String tenantId) {
        return new TermQuery(new Term(TENANT, tenantId));
    }

    /** Matches the points (not the delete markers) of {@code tenantId}, or of every tenant when it is null. */
    static Query points(String tenantId) {
        return new BooleanQuery.Builder()
                .add(tenantId == null ? new MatchAllDocsQuery() : tenant(tenantId), Occur.FILTER)
                .add(new TermQuery(new Term(DELETED, "true")), Occur.MUST_NOT)
                .build();
    }

    /** Matches the points (not the delete markers) of every tenant made by another model than {@code modelId}. */
    static Query otherModels(String modelId) {
        return new BooleanQuery.Builder()
                .add(points(null), Occur.FILTER)
                .add(new TermQuery(new Term(MODEL_ID, modelId)), Occur.MUST_NOT)
                .build();
    }

    /** Matches the chunks {@code >= fromChunk} of {@code entity}. */
    static Query entityChunksFrom(EntityKey entity, int fromChunk) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, entity.tenantId())), Occur.FILTER)
                .add(new TermQuery(new Term(ENTITY_TYPE, entity.type().wire())), Occur.FILTER)
                .add(new TermQuery(new Term(ENTITY_ID, entity.id())), Occur.FILTER)
                .add(IntPoint.newRangeQuery(CHUNK, fromChunk, Integer.MAX_VALUE), Occur.FILTER)
                .build();
    }

    /** @param luceneScore the kNN score of the document, in [0, 1] */
    static SearchHit toHit(Document doc, float luceneScore) {
        EntityKey entity = new EntityKey(doc.get(TENANT), EntityType.fromWire(doc.get(ENTITY_TYPE)),
                doc.get(ENTITY_ID));
        return new SearchHit(entity, doc.getField(CHUNK).numericValue().intValue(), cosine(luceneScore),
                doc.getField(VERSION).numericValue().longValue(), doc.get(MODEL_ID), doc.get(TITLE),
                doc.get(SNIPPET));
    }

    /** Inverts Lucene's DOT_PRODUCT score {@code (1 + cos) / 2} to the cosine, clamped to [-1, 1]. */
    static float cosine(float luceneScore) {
        return Math.max(-1f, Math.min(1f, 2f * luceneScore - 1f));
    }
}

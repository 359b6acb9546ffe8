package io.kembed.sink.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import io.kembed.core.store.VectorPoint;
import org.apache.lucene.document.Document;
import org.junit.jupiter.api.Test;

class LuceneDocumentsTest {

    @Test
    void document_storesTheModelAndTheRevisionOfItsWeights() {
        VectorPoint p = new VectorPoint(EntityKey.contact("acme", "c1"), 0, 3, "bge-small-en-v1.5-q",
                new float[] {0.6f, 0.8f}, "Jane", "snippet", "lc4j-1.20.0-beta30-int8");

        Document doc = LuceneDocuments.toDocument(p, p.vector());

        assertThat(doc.get(LuceneDocuments.MODEL_ID)).isEqualTo("bge-small-en-v1.5-q");
        assertThat(doc.get(LuceneDocuments.MODEL_REVISION)).isEqualTo("lc4j-1.20.0-beta30-int8");
    }
}

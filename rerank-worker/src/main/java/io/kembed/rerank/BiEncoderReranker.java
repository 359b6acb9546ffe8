package io.kembed.rerank;

import io.kembed.core.vector.FloatVectors;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.PassageEmbedding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The fallback reranker: rescoring with a second bi-encoder (for example bge-small-en-v1.5 fp32 behind an int8
 * first stage). Labelled {@link Kind#BI_ENCODER_FALLBACK} so no one mistakes it for a cross-encoder. Thread-safe
 * if the encoder is.
 */
public final class BiEncoderReranker implements Reranker {

    private final BiEncoder encoder;

    /** @param encoder the second-stage bi-encoder; owned by the caller */
    public BiEncoderReranker(BiEncoder encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    @Override
    public String id() {
        return "bi-encoder:" + encoder.spec().id();
    }

    @Override
    public Kind kind() {
        return Kind.BI_ENCODER_FALLBACK;
    }

    @Override
    public List<RerankResult> rerank(String query, List<String> passages, int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be >= 1, got " + topN);
        }
        if (passages.isEmpty()) {
            return List.of();
        }
        float[] q = encoder.embedQuery(query);
        List<PassageEmbedding> vectors = encoder.embedPassages(passages);
        List<RerankResult> scored = new ArrayList<>(passages.size());
        for (int i = 0; i < vectors.size(); i++) {
            scored.add(new RerankResult(i, (float) FloatVectors.cosine(q, vectors.get(i).vector())));
        }
        scored.sort(Comparator.comparingDouble(RerankResult::score).reversed());
        return List.copyOf(scored.subList(0, Math.min(topN, scored.size())));
    }

    @Override
    public void close() {
        // the encoder belongs to the caller
    }
}

package io.kembed.search;

import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbeddingException;
import java.time.Duration;
import java.util.Objects;

/**
 * In-process query embedding with a {@link BiEncoder} (the embedded default). The call runs in the caller's
 * thread: a query takes tens of ms on a laptop CPU, and the timeout is not applied (ONNX Runtime cannot be
 * interrupted mid-run). Thread-safe.
 */
public final class BiEncoderQueryEmbedder implements QueryEmbedder {

    private final BiEncoder encoder;

    /** @param encoder owned by the caller */
    public BiEncoderQueryEmbedder(BiEncoder encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    @Override
    public String modelId() {
        return encoder.spec().id();
    }

    @Override
    public int dims() {
        return encoder.spec().dims();
    }

    @Override
    public float[] embed(String query, Duration timeout) {
        try {
            return encoder.embedQuery(query);
        } catch (EmbeddingException | IllegalStateException e) {
            throw new QueryEmbeddingException("embedding the query with " + modelId() + " failed: " + e.getMessage(),
                    false, e);
        }
    }
}

package io.kembed.rerank.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import io.kembed.embed.model.ModelLoadException;
import io.kembed.rerank.plan.EncodedPair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes query/passage pairs with a Hugging Face {@code tokenizer.json} (DJL's native tokenizers library) in the
 * file's own pair template, untruncated and unpadded; {@link io.kembed.rerank.plan.PairTruncation} applies the
 * per-pair cap afterwards, so the passage, never the query, is cut first.
 *
 * <p>Thread-safe; close once no call is in flight.
 */
public final class PairTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private PairTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Loads a tokenizer from a local file only; never contacts the Hugging Face hub.
     *
     * @throws ModelLoadException if the file cannot be read or parsed, or the native library cannot load
     */
    public static PairTokenizer open(Path tokenizerJson) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        // Every option set explicitly so the file's own truncation/padding sections never apply.
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "false",
                "padding", "false",
                "withOverflowingTokens", "false");
        try {
            return new PairTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelLoadException("cannot load tokenizer " + tokenizerJson + ": " + e, e);
        }
    }

    /**
     * @param query the query, the pair's first text
     * @param passages the passages, each the second text of one pair
     * @return one untruncated pair per passage, in order
     */
    public List<EncodedPair> encodePairs(String query, List<String> passages) {
        PairList<String, String> pairs = new PairList<>(passages.size());
        for (String passage : passages) {
            pairs.add(query, passage);
        }
        // one native call: the Rust library encodes the pairs in parallel (its own thread pool, all cores)
        Encoding[] encodings = tokenizer.batchEncode(pairs);
        List<EncodedPair> out = new ArrayList<>(passages.size());
        for (Encoding e : encodings) {
            out.add(new EncodedPair(e.getIds(), e.getTypeIds(), e.getSequenceIds(), false));
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

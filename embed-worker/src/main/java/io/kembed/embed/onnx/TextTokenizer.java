package io.kembed.embed.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.kembed.embed.model.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face {@code tokenizer.json} run by DJL's native tokenizers library, configured by us rather than by the
 * file (all-MiniLM's file would truncate at 128 and pad to 128). Holds two native tokenizers over the same file:
 * one that truncates at {@code maxTokens}, for inference, and one that never truncates, for counting and chunking.
 *
 * <p>Thread-safe: the native tokenizer is read-only after construction and encodes concurrently. Close it once no
 * call is in flight.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer truncating;
    private final HuggingFaceTokenizer whole;
    private final int maxTokens;

    private TextTokenizer(HuggingFaceTokenizer truncating, HuggingFaceTokenizer whole, int maxTokens) {
        this.truncating = truncating;
        this.whole = whole;
        this.maxTokens = maxTokens;
    }

    /**
     * Loads a tokenizer. Reads the local file only; never contacts the Hugging Face hub.
     *
     * @param tokenizerJson a Hugging Face {@code tokenizer.json}
     * @param maxTokens longest sequence for inference, special tokens included, {@code >= 3}
     * @return a tokenizer that truncates (right side) at {@code maxTokens} and never pads
     * @throws ModelLoadException if the file cannot be read or parsed, or the native library cannot load
     */
    public static TextTokenizer open(Path tokenizerJson, int maxTokens) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        if (maxTokens < 3) {
            throw new IllegalArgumentException("maxTokens must be >= 3, got " + maxTokens);
        }
        String max = Integer.toString(maxTokens);
        // Every option is set explicitly so that the file's own truncation/padding sections do not apply.
        // modelMaxLength: DJL caps maxLength at it (default 512), so it must be at least maxTokens.
        Map<String, String> truncatingOptions = Map.of(
                "addSpecialTokens", "true",
                "truncation", "LONGEST_FIRST",
                "maxLength", max,
                "modelMaxLength", max,
                "padding", "false",
                "withOverflowingTokens", "false");
        Map<String, String> wholeOptions = Map.of(
                "addSpecialTokens", "true",
                "truncation", "false",
                "padding", "false",
                "withOverflowingTokens", "false");
        HuggingFaceTokenizer truncating = null;
        try {
            truncating = HuggingFaceTokenizer.newInstance(tokenizerJson, truncatingOptions);
            HuggingFaceTokenizer whole = HuggingFaceTokenizer.newInstance(tokenizerJson, wholeOptions);
            return new TextTokenizer(truncating, whole, maxTokens);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            if (truncating != null) {
                truncating.close();
            }
            throw new ModelLoadException("cannot load tokenizer " + tokenizerJson + ": " + e, e);
        }
    }

    /** @return longest sequence for inference, special tokens included */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Encodes texts for inference: special tokens added, truncated on the right to {@link #maxTokens()}, unpadded.
     *
     * @param texts texts, each non-null
     * @return one encoding per text, in order
     */
    public List<EncodedText> encode(List<String> texts) {
        Encoding[] encodings = truncating.batchEncode(texts.toArray(String[]::new));
        List<EncodedText> out = new ArrayList<>(encodings.length);
        for (Encoding e : encodings) {
            out.add(new EncodedText(e.getIds(), e.getTypeIds(), e.exceedMaxLength()));
        }
        return out;
    }

    /**
     * Counts a text's tokens without truncation.
     *
     * @param text any text
     * @return tokens, special tokens included (so an empty text counts 2 for BERT: {@code [CLS] [SEP]})
     */
    public int countTokens(String text) {
        return whole.encode(text).getIds().length;
    }

    /**
     * Tokenises a whole text (no truncation) and reports each content token's character span and word.
     *
     * @param text any text
     * @return spans of the content tokens in {@code text}, special tokens left out
     */
    public TokenSpans spans(String text) {
        Encoding e = whole.encode(text, false, false);
        CharSpan[] spans = e.getCharTokenSpans();
        long[] wordIds = e.getWordIds();
        // The native library reports offsets in Unicode code points; Java strings index UTF-16 chars.
        int[] charIndexOfCodePoint = charIndexOfCodePoint(text);
        int n = spans.length;
        int[] start = new int[n];
        int[] end = new int[n];
        int[] words = new int[n];
        int previousEnd = 0;
        for (int i = 0; i < n; i++) {
            CharSpan span = spans[i];
            if (span == null) { // not expected without special tokens; keep the token where the last one ended
                start[i] = previousEnd;
                end[i] = previousEnd;
            } else {
                start[i] = charIndexOfCodePoint[Math.min(span.getStart(), charIndexOfCodePoint.length - 1)];
                end[i] = charIndexOfCodePoint[Math.min(span.getEnd(), charIndexOfCodePoint.length - 1)];
            }
            previousEnd = end[i];
            words[i] = (int) wordIds[i];
        }
        return new TokenSpans(start, end, words);
    }

    /** @return {@code int[codePoints + 1]}: the UTF-16 index at which each code point starts, then the length */
    static int[] charIndexOfCodePoint(String text) {
        int[] index = new int[text.codePointCount(0, text.length()) + 1];
        int cp = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            index[cp++] = i;
        }
        index[cp] = text.length();
        return index;
    }

    @Override
    public void close() {
        truncating.close();
        whole.close();
    }
}

package io.kembed.embed;

import io.kembed.core.model.ModelSpec;
import io.kembed.embed.batch.BatchPlanner;
import io.kembed.embed.batch.ChunkPlanner;
import io.kembed.embed.batch.ChunkPlanner.TokenRange;
import io.kembed.embed.model.ModelFiles;
import io.kembed.embed.model.ModelLoadException;
import io.kembed.embed.model.ModelLoader;
import io.kembed.embed.onnx.EncodedText;
import io.kembed.embed.onnx.OnnxEncoder;
import io.kembed.embed.onnx.TextTokenizer;
import io.kembed.embed.onnx.TokenSpans;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A sentence-embedding model ({@link ModelSpec}) running in process on ONNX Runtime: text in, unit-length
 * {@code float[dims]} out.
 *
 * <p>Texts are tokenised, grouped into batches of similar length ({@link BatchPlanner#plan}), each batch padded
 * only to its own longest sequence, run, pooled as the spec says (CLS or mean under the attention mask) and
 * L2-normalised. Texts longer than {@link ModelSpec#maxTokens()} (prefix and special tokens included) are
 * truncated, reported per text and counted in {@link #stats()}; use {@link #chunk} to split long documents instead.
 *
 * <p>Int8 models ({@link ModelSpec#quantized()}) quantise activations per batch tensor at run time, so a text's
 * vector shifts slightly with its batch-mates and padding (cosine down to about 0.98 against the text embedded
 * alone, typically &ge; 0.995). {@link BiEncoderOptions#defaultsFor(ModelSpec)} therefore runs them unbatched;
 * fp32 models are unaffected.
 *
 * <p>Thread-safe: any number of threads may call the embedding methods at once (ONNX Runtime sessions and the
 * native tokenizer allow concurrent use). Each call runs its batches with {@code intraOpThreads} threads, so
 * concurrent callers compete for the same cores; for throughput, one caller per core with
 * {@code intraOpThreads = 1} can beat one caller with all cores (see {@code RawOnnxBenchmark}).
 * {@link #close()} waits for calls in flight; calls after it fail with {@link IllegalStateException}.
 */
public final class BiEncoder implements AutoCloseable {

    private final ModelSpec spec;
    private final BiEncoderOptions options;
    private final TextTokenizer tokenizer;
    private final OnnxEncoder encoder;

    /** Read side: a call using the native resources; write side: {@link #close()}. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private final LongAdder texts = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder paddedTokens = new LongAdder();
    private final LongAdder truncatedTexts = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder inferenceNanos = new LongAdder();
    private final java.util.List<InferenceListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told about every ONNX Runtime run, on the calling thread, right after it; must be quick and not throw. */
    @FunctionalInterface
    public interface InferenceListener {
        /**
         * @param texts texts in the run (the batch size)
         * @param paddedLength tokens per text after padding (the longest text of the batch)
         * @param nanos time of the run (tensor building, {@code session.run}, pooling), in nanoseconds
         */
        void onRun(int texts, int paddedLength, long nanos);
    }

    private BiEncoder(ModelSpec spec, BiEncoderOptions options, TextTokenizer tokenizer, OnnxEncoder encoder) {
        this.spec = spec;
        this.options = options;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
    }

    /**
     * Loads a model: resolves its files ({@link ModelLoader#resolve}), opens the tokenizer and an ONNX Runtime
     * session. Takes about a second for a small model on a laptop, longer on first use if files must be extracted
     * or downloaded.
     *
     * @param spec the model
     * @param options threads, batch limits and cache directory
     * @return an open encoder; close it to release native memory
     * @throws ModelLoadException if the files cannot be obtained, or the graph's output dimensions differ from
     *     {@link ModelSpec#dims()}
     */
    public static BiEncoder load(ModelSpec spec, BiEncoderOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        ModelFiles files = ModelLoader.resolve(spec, options.cacheDir());
        TextTokenizer tokenizer = TextTokenizer.open(files.tokenizerJson(), spec.maxTokens());
        OnnxEncoder encoder;
        try {
            encoder = OnnxEncoder.open(files.onnx(), options.intraOpThreads());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        if (encoder.dims() > 0 && encoder.dims() != spec.dims()) {
            encoder.close();
            tokenizer.close();
            throw new ModelLoadException(files.onnx() + " outputs " + encoder.dims() + " dimensions but " + spec.id()
                    + " declares " + spec.dims());
        }
        return new BiEncoder(spec, options, tokenizer, encoder);
    }

    /** @return the model this encoder runs */
    public ModelSpec spec() {
        return spec;
    }

    /** @return the options it was loaded with */
    public BiEncoderOptions options() {
        return options;
    }

    /**
     * Embeds passages (documents to be searched), prepending {@link ModelSpec#passagePrefix()} to each.
     *
     * @param texts passages, none null; may be empty
     * @return one embedding per text, in input order, each {@code float[dims]}
     * @throws EmbeddingException if ONNX Runtime fails
     * @throws IllegalStateException if closed
     */
    public List<PassageEmbedding> embedPassages(List<String> texts) {
        return embedPassages(texts, InferenceLane.UNGATED);
    }

    /**
     * {@link #embedPassages(List)} with every ONNX run admitted by {@code lane} (for example
     * {@link PriorityGate#bulkLane()}, which holds runs back while queries are served). A run the lane stops is
     * run again from the same inputs, so the result is the same.
     *
     * @throws EmbeddingException if ONNX Runtime fails
     * @throws IllegalStateException if closed
     */
    public List<PassageEmbedding> embedPassages(List<String> texts, InferenceLane lane) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(lane, "lane");
        List<String> inputs = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new NullPointerException("texts[" + i + "] is null");
            }
            inputs.add(spec.passagePrefix() + text);
        }
        return embed(inputs, lane);
    }

    /**
     * Embeds a search query, prepending {@link ModelSpec#queryPrefix()} (for BGE the retrieval instruction, for E5
     * {@code "query: "}).
     *
     * @param query the query
     * @return {@code float[dims]}, unit length
     * @throws EmbeddingException if ONNX Runtime fails
     * @throws IllegalStateException if closed
     */
    public float[] embedQuery(String query) {
        Objects.requireNonNull(query, "query");
        return embed(List.of(spec.queryPrefix() + query), InferenceLane.UNGATED).get(0).vector();
    }

    /**
     * Embeds several search queries in one call, each with {@link ModelSpec#queryPrefix()}, batched as
     * {@link BiEncoderOptions} allow: for an int8 model ({@code maxBatchSize} 1) one run per query, so each vector
     * equals {@link #embedQuery} for the same text; for an fp32 model length-sorted batches, equal to it within
     * float rounding.
     *
     * @param queries none null; may be empty
     * @return one embedding per query in input order: {@code float[dims]} unit length, tokens fed to the model
     *     (prefix and special tokens included, {@code <= maxTokens}), and whether the query was truncated
     * @throws EmbeddingException if ONNX Runtime fails
     * @throws IllegalStateException if closed
     */
    public List<PassageEmbedding> embedQueries(List<String> queries) {
        Objects.requireNonNull(queries, "queries");
        List<String> inputs = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            String q = queries.get(i);
            if (q == null) {
                throw new NullPointerException("queries[" + i + "] is null");
            }
            inputs.add(spec.queryPrefix() + q);
        }
        return embed(inputs, InferenceLane.UNGATED);
    }

    /**
     * Counts the tokens of a text as the model would see it, without truncation and without a prefix.
     *
     * @param text any text
     * @return tokens including the special tokens ({@code [CLS]} and {@code [SEP]} for BERT)
     * @throws IllegalStateException if closed
     */
    public int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        Lock lock = acquire();
        try {
            return tokenizer.countTokens(text);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Splits a text into passages that each fit the model untruncated: every chunk, with the passage prefix and
     * special tokens, takes at most {@link ModelSpec#maxTokens()} tokens. Cuts fall between tokens, and between
     * words unless a single word exceeds a chunk; consecutive chunks share at least {@code overlapTokens} tokens
     * (more by the rest of the word the overlap starts in). The chunks cover the whole text: the first starts at
     * 0, the last ends at {@code text.length()}, and each ends where the next token after it begins, so no
     * character falls between chunks.
     *
     * @param text the text; if it fits, the result is that one text
     * @param overlapTokens tokens repeated at the start of each next chunk, {@code >= 0} and below the chunk budget
     *     ({@code maxTokens} minus the prefix and special tokens)
     * @return chunks in text order, at least one
     * @throws IllegalArgumentException if {@code overlapTokens} is out of range
     * @throws IllegalStateException if closed
     */
    public List<TextChunk> chunk(String text, int overlapTokens) {
        Objects.requireNonNull(text, "text");
        Lock lock = acquire();
        try {
            int fixed = tokenizer.countTokens(spec.passagePrefix()); // prefix plus special tokens
            int budget = spec.maxTokens() - fixed;
            if (overlapTokens < 0 || overlapTokens >= budget) {
                throw new IllegalArgumentException("overlapTokens must be in [0, " + budget + ") for " + spec.id()
                        + ", got " + overlapTokens);
            }
            int whole = tokenizer.countTokens(spec.passagePrefix() + text);
            if (whole <= spec.maxTokens()) {
                return List.of(new TextChunk(0, text, 0, text.length(), whole));
            }
            TokenSpans spans = tokenizer.spans(text);
            List<TextChunk> chunks = List.of();
            // Re-tokenising a piece nearly always gives back its tokens; where it does not (a word cut inside),
            // shrink the budget by the overshoot and plan again.
            for (int attempt = 0; attempt < 4 && budget > overlapTokens; attempt++) {
                chunks = toChunks(text, spans, ChunkPlanner.plan(spans.wordIds(), budget, overlapTokens));
                int overshoot = chunks.stream().mapToInt(TextChunk::tokens).max().orElse(0) - spec.maxTokens();
                if (overshoot <= 0) {
                    break;
                }
                budget -= overshoot;
            }
            return chunks;
        } finally {
            lock.unlock();
        }
    }

    private List<TextChunk> toChunks(String text, TokenSpans spans, List<TokenRange> ranges) {
        List<TextChunk> chunks = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            TokenRange range = ranges.get(i);
            int start = i == 0 ? 0 : spans.startChar()[range.start()];
            int end = i == ranges.size() - 1 ? text.length() : spans.startChar()[range.end()];
            String piece = text.substring(start, end);
            chunks.add(new TextChunk(i, piece, start, end, tokenizer.countTokens(spec.passagePrefix() + piece)));
        }
        return chunks;
    }

    /** Adds a listener told about every ONNX Runtime run from now on (for metrics). */
    public void addInferenceListener(InferenceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeInferenceListener(InferenceListener listener) {
        listeners.remove(listener);
    }

    /** @return true until {@link #close()} has been called */
    public boolean isOpen() {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** @return a snapshot of the counters */
    public EmbedStats stats() {
        return new EmbedStats(texts.sum(), tokens.sum(), paddedTokens.sum(), truncatedTexts.sum(), batches.sum(),
                inferenceNanos.sum());
    }

    private List<PassageEmbedding> embed(List<String> inputs, InferenceLane lane) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        Lock lock = acquire();
        try {
            List<EncodedText> encoded = tokenizer.encode(inputs);
            int[] lengths = encoded.stream().mapToInt(EncodedText::length).toArray();
            PassageEmbedding[] out = new PassageEmbedding[encoded.size()];
            for (int[] batch : BatchPlanner.plan(lengths, options.maxBatchSize(), options.maxBatchTokens())) {
                List<EncodedText> batchTexts = new ArrayList<>(batch.length);
                int longest = 0;
                for (int i : batch) {
                    batchTexts.add(encoded.get(i));
                    longest = Math.max(longest, lengths[i]);
                }
                float[][] vectors = run(batchTexts, longest, lane);
                batches.increment();
                paddedTokens.add((long) batch.length * longest);
                for (int j = 0; j < batch.length; j++) {
                    EncodedText e = batchTexts.get(j);
                    out[batch[j]] = new PassageEmbedding(vectors[j], e.length(), e.truncated());
                }
            }
            texts.add(out.length);
            tokens.add(Arrays.stream(lengths).asLongStream().sum());
            truncatedTexts.add(encoded.stream().filter(EncodedText::truncated).count());
            return Arrays.asList(out);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One batch through {@code lane}, again from the same inputs each time the lane stops it. Time in the lane's
     * queue is not inference time; a stopped attempt's is (it used the cores).
     */
    private float[][] run(List<EncodedText> batch, int longest, InferenceLane lane) {
        for (int preemptions = 0; ; preemptions++) {
            try (InferenceLane.Admission admission = lane.admit(preemptions)) {
                long started = System.nanoTime();
                boolean done = false;
                try {
                    float[][] vectors = encoder.encode(batch, spec.pooling(), admission);
                    done = true;
                    return vectors;
                } finally {
                    long took = System.nanoTime() - started;
                    inferenceNanos.add(took);
                    if (done) {
                        for (InferenceListener l : listeners) {
                            l.onRun(batch.size(), longest, took);
                        }
                    }
                }
            } catch (InferencePreemptedException e) {
                // stopped for interactive work: admit again (waits while it runs), then re-run
            }
        }
    }

    private Lock acquire() {
        Lock lock = lifecycle.readLock();
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new IllegalStateException("BiEncoder for " + spec.id() + " is closed");
        }
        return lock;
    }

    /** Waits for calls in flight, then releases the ONNX Runtime session and the tokenizer. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                encoder.close();
            } finally {
                tokenizer.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}

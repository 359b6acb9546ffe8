package io.kembed.rerank;

import io.kembed.embed.model.ModelFiles;
import io.kembed.embed.model.ModelLoader;
import io.kembed.rerank.onnx.CrossEncoderSession;
import io.kembed.rerank.onnx.PairTokenizer;
import io.kembed.rerank.plan.CostEstimate;
import io.kembed.rerank.plan.DeadlinePlanner;
import io.kembed.rerank.plan.EncodedPair;
import io.kembed.rerank.plan.PairBatches;
import io.kembed.rerank.plan.PairTruncation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cross-encoder reranking with ONNX Runtime: each query/passage pair is read together by a sequence-classification
 * model (BERT or XLM-RoBERTa family) that outputs one relevance logit ({@code logits [batch, 1]}), optionally
 * mapped through a sigmoid ({@link CrossEncoderOptions#sigmoid()}).
 *
 * <p>Pairs are capped at {@link #maxPairTokens()} tokens (the passage is cut first; counted), sorted by length and
 * scored in batches of at most {@link CrossEncoderOptions#maxBatchPairs()}. {@link #rerankWithin} is the
 * deadline-aware variant: it scores only the best-ranked candidates whose predicted cost (measured ns per padded
 * token, an exponentially weighted average over batches) fits the time budget. {@link #rerankAll} does the same for
 * several requests at once, scoring their pairs together in shared length-sorted batches (what the rerank worker
 * does with the requests of one poll).
 *
 * <p>Thread-safe. Owns its ONNX session and tokenizer: {@link #close()} releases them.
 */
public final class CrossEncoder implements Reranker {

    private final String id;
    private final PairTokenizer tokenizer;
    private final CrossEncoderSession session;
    private final CrossEncoderOptions options;
    private final int maxPairTokens;
    private final CostEstimate cost;
    private final AtomicLong pairsScored = new AtomicLong();
    private final AtomicLong pairsTruncated = new AtomicLong();
    private final AtomicLong batchesRun = new AtomicLong();

    private CrossEncoder(String id, PairTokenizer tokenizer, CrossEncoderSession session,
            CrossEncoderOptions options, int maxPairTokens) {
        this.id = id;
        this.tokenizer = tokenizer;
        this.session = session;
        this.options = options;
        this.maxPairTokens = maxPairTokens;
        this.cost = new CostEstimate(options.initialNanosPerToken(), CrossEncoderOptions.COST_ALPHA);
    }

    /**
     * Resolves the model's files (download from {@link CrossEncoderOptions#hubEndpoint()} into
     * {@link CrossEncoderOptions#cacheDir()} with a sha256 check of each file, or a local directory) and opens it.
     *
     * @throws io.kembed.embed.model.ModelLoadException if the entry is unpinned, no source delivers the files, or
     *     ONNX Runtime or the tokenizer rejects them
     */
    public static CrossEncoder load(CrossEncoderSpec spec, CrossEncoderOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        ModelFiles files = ModelLoader.resolve(spec.toModelSpec(options.hubEndpoint()), options.cacheDir());
        PairTokenizer tokenizer = PairTokenizer.open(files.tokenizerJson());
        try {
            CrossEncoderSession session =
                    CrossEncoderSession.open(files.onnx(), options.intraOpThreads(), spec.family().padId());
            return new CrossEncoder(spec.id(), tokenizer, session, options,
                    Math.min(options.maxPairTokens(), spec.maxPositions()));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public String id() {
        return "cross-encoder:" + id;
    }

    @Override
    public Kind kind() {
        return Kind.CROSS_ENCODER;
    }

    /** @return the per-pair token cap in force: the configured cap, at most the model's positions */
    public int maxPairTokens() {
        return maxPairTokens;
    }

    /** @return current cost estimate, ns per padded token */
    public double nanosPerToken() {
        return cost.nanosPerToken();
    }

    /** @return pairs scored since this reranker was opened */
    public long pairsScored() {
        return pairsScored.get();
    }

    /** @return ONNX Runtime runs (batches) since this reranker was opened */
    public long batchesRun() {
        return batchesRun.get();
    }

    /** @return pairs cut to the token cap since this reranker was opened */
    public long pairsTruncated() {
        return pairsTruncated.get();
    }

    /**
     * Scores every pair.
     *
     * @return {@code float[passages.size()]} in passage order: logits, or their sigmoid if configured
     * @throws IllegalArgumentException if {@code passages} is empty or holds a null
     */
    public float[] score(String query, List<String> passages) {
        validate(query, passages, 1);
        return run(encode(query, passages));
    }

    /**
     * Scores every passage and returns the best {@code topN}.
     *
     * @throws IllegalArgumentException if {@code topN < 1} or {@code passages} is empty or holds a null
     */
    @Override
    public List<RerankResult> rerank(String query, List<String> passages, int topN) {
        validate(query, passages, topN);
        float[] scores = run(encode(query, passages));
        return top(ranked(scores, passages.size()), topN);
    }

    /**
     * Deadline-aware reranking: scores the longest prefix of candidates (vector order, best first) whose predicted
     * inference time fits what is left of {@code budgetMillis} after tokenising, and keeps vector order for the
     * rest. Scoring never stops half-way: the plan is made before inference, from the measured cost per token.
     * The same as {@link #rerankAll} with one job.
     *
     * @param passages candidates in vector-search order
     * @param topN most results returned, {@code >= 1}
     * @param budgetMillis time allowed for this call, ms, {@code >= 0}
     * @return the results and which candidates were scored; {@code partial} if not all were
     * @throws IllegalArgumentException if {@code topN < 1}, {@code budgetMillis < 0} or {@code passages} is empty or
     *     holds a null
     */
    public RerankOutcome rerankWithin(String query, List<String> passages, int topN, long budgetMillis) {
        return rerankAll(List.of(new RerankJob(query, passages, topN, budgetMillis))).get(0);
    }

    /**
     * Deadline-aware reranking of several requests in one inference run: every pair of every job is tokenised,
     * capped, and the pairs chosen for scoring are length-sorted and batched together ({@link PairBatches}, at most
     * {@link CrossEncoderOptions#maxBatchPairs()} pairs a batch), so pairs of different requests share batches; the
     * scores are then split back per job. Which pairs are scored is planned before inference with
     * {@link DeadlinePlanner#affordablePrefixes}: the whole run's predicted time must fit each served job's
     * budget (all results are returned together), each job's scored candidates being its best-ranked ones; the
     * rest keep vector order and the outcome is {@code partial}. Scores equal {@link #rerankWithin}'s for the
     * same pairs up to float rounding from different padding (tests hold them within 1e-5).
     *
     * @param jobs the requests, non-empty
     * @return one outcome per job, in job order
     * @throws IllegalArgumentException if {@code jobs} is empty
     * @throws io.kembed.embed.EmbeddingException if ONNX Runtime fails (no outcome is returned then)
     */
    public List<RerankOutcome> rerankAll(List<RerankJob> jobs) {
        long started = System.nanoTime();
        Objects.requireNonNull(jobs, "jobs");
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("no jobs to rerank");
        }
        int n = jobs.size();
        List<List<EncodedPair>> encoded = new ArrayList<>(n);
        int[][] lengths = new int[n][];
        for (RerankJob job : jobs) {
            List<EncodedPair> pairs = encode(job.query(), job.passages());
            lengths[encoded.size()] = lengths(pairs);
            encoded.add(pairs);
        }
        long elapsed = System.nanoTime() - started;
        long[] budgets = new long[n];
        for (int j = 0; j < n; j++) {
            budgets[j] = TimeUnit.MILLISECONDS.toNanos(jobs.get(j).budgetMillis()) - elapsed;
        }
        int[] counts = DeadlinePlanner.affordablePrefixes(lengths, budgets, options.maxBatchPairs(),
                cost.nanosPerToken());
        List<EncodedPair> chosen = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            chosen.addAll(encoded.get(j).subList(0, counts[j]));
        }
        float[] scores = chosen.isEmpty() ? new float[0] : run(chosen);
        List<RerankOutcome> outcomes = new ArrayList<>(n);
        int offset = 0;
        for (int j = 0; j < n; j++) {
            RerankJob job = jobs.get(j);
            int count = counts[j];
            List<RerankResult> results = ranked(Arrays.copyOfRange(scores, offset, offset + count), count);
            for (int i = count; i < job.passages().size(); i++) {
                results.add(new RerankResult(i, Float.NaN));
            }
            int truncated = (int) encoded.get(j).subList(0, count).stream().filter(EncodedPair::truncated).count();
            outcomes.add(new RerankOutcome(top(results, job.topN()), count, truncated,
                    count < job.passages().size()));
            offset += count;
        }
        return outcomes;
    }

    /** The same checks, and errors, as a {@link RerankJob} of these arguments. */
    private static void validate(String query, List<String> passages, int topN) {
        new RerankJob(query, passages, topN, 0);
    }

    /**
     * Tokenises and caps the pairs. Only a prefix of each long passage is tokenised
     * ({@link PairTruncation#passagePrefix}): a 2,000-char passage costs ~10x more to tokenise than its first 400
     * chars, which is as much as a 32-token cap keeps. A prefix that yields fewer passage tokens than the cap is
     * re-tokenised whole, so the capped pair is always the one the whole passage gives.
     */
    List<EncodedPair> encode(String query, List<String> passages) {
        List<String> prefixes = new ArrayList<>(passages.size());
        for (String passage : passages) {
            prefixes.add(PairTruncation.passagePrefix(passage, maxPairTokens));
        }
        List<EncodedPair> pairs = new ArrayList<>(tokenizer.encodePairs(query, prefixes));
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (prefixes.get(i).length() < passages.get(i).length()
                    && PairTruncation.passageTokens(pairs.get(i)) < maxPairTokens) {
                again.add(i);
            }
        }
        if (!again.isEmpty()) {
            List<EncodedPair> whole = tokenizer.encodePairs(query, again.stream().map(passages::get).toList());
            for (int k = 0; k < again.size(); k++) {
                pairs.set(again.get(k), whole.get(k));
            }
        }
        pairs.replaceAll(pair -> PairTruncation.truncate(pair, maxPairTokens));
        return pairs;
    }

    /** Runs length-sorted batches and puts each score back at its pair's index. */
    private float[] run(List<EncodedPair> pairs) {
        int[] lengths = lengths(pairs);
        float[] scores = new float[pairs.size()];
        int truncated = 0;
        for (int[] batch : PairBatches.plan(lengths, options.maxBatchPairs())) {
            List<EncodedPair> members = new ArrayList<>(batch.length);
            for (int i : batch) {
                members.add(pairs.get(i));
                truncated += pairs.get(i).truncated() ? 1 : 0;
            }
            long t0 = System.nanoTime();
            float[] logits = session.logits(members);
            batchesRun.incrementAndGet();
            cost.observe(PairBatches.paddedTokens(batch, lengths), System.nanoTime() - t0);
            for (int b = 0; b < batch.length; b++) {
                scores[batch[b]] = options.sigmoid() ? sigmoid(logits[b]) : logits[b];
            }
        }
        pairsScored.addAndGet(pairs.size());
        pairsTruncated.addAndGet(truncated);
        return scores;
    }

    /** @return results for indexes {@code 0 .. count-1}, best score first (ties keep vector order) */
    private static List<RerankResult> ranked(float[] scores, int count) {
        List<RerankResult> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(new RerankResult(i, scores[i]));
        }
        results.sort(Comparator.comparingDouble(RerankResult::score).reversed());
        return results;
    }

    private static List<RerankResult> top(List<RerankResult> results, int topN) {
        return List.copyOf(results.subList(0, Math.min(topN, results.size())));
    }

    private static int[] lengths(List<EncodedPair> pairs) {
        return pairs.stream().mapToInt(EncodedPair::length).toArray();
    }

    static float sigmoid(float logit) {
        return (float) (1.0 / (1.0 + Math.exp(-logit)));
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            tokenizer.close();
        }
    }
}

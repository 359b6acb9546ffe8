package io.kembed.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.rerank.CrossEncoderSpec.Family;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cross-encoder against the committed tiny BERT fixture, whose reference logits torch computed
 * (rerank-worker/scripts/make_cross_encoder_fixtures.py).
 */
class CrossEncoderTest {

    static final Path TINY = Path.of("src", "test", "resources", "cross-encoder-tiny").toAbsolutePath();
    static final CrossEncoderSpec SPEC = CrossEncoderSpec.local("tiny-bert", Family.BERT, 64, TINY);
    static final CrossEncoderOptions OPTIONS =
            CrossEncoderOptions.defaults().withCacheDir(Path.of("target", "kembed-models").toAbsolutePath());

    static final List<String> QUERIES = new ArrayList<>();
    static final List<String> PASSAGES = new ArrayList<>();
    static final List<Float> LOGITS = new ArrayList<>();

    @BeforeAll
    static synchronized void readReference() throws IOException {
        QUERIES.clear();
        PASSAGES.clear();
        LOGITS.clear();
        JsonNode reference = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile());
        for (JsonNode row : reference.get("pairs")) {
            QUERIES.add(row.get("query").asText());
            PASSAGES.add(row.get("passage").asText());
            LOGITS.add((float) row.get("logit").asDouble());
        }
    }

    @Test
    void logits_equalTorchs_within1e4_inOnePaddedBatch() {
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS)) {
            assertThat(encoder.kind()).isEqualTo(Reranker.Kind.CROSS_ENCODER);
            assertThat(encoder.id()).isEqualTo("cross-encoder:tiny-bert");
            // Each query with all eight passages in one call: the reference row's pair must match.
            for (int i = 0; i < QUERIES.size(); i++) {
                float[] scores = encoder.score(QUERIES.get(i), PASSAGES);
                assertThat(scores[i]).as("pair %d", i).isCloseTo(LOGITS.get(i), within(1e-4f));
            }
        }
    }

    @Test
    void graphWithoutTokenTypeIds_getsNone_andPadsWithTheXlmRobertaPadId_logitsEqualTorchs() throws IOException {
        Path dir = TINY.resolveSibling("cross-encoder-tiny-no-token-types");
        JsonNode reference = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        try (CrossEncoder encoder = CrossEncoder.load(
                CrossEncoderSpec.local("tiny-no-types", Family.XLM_ROBERTA, 64, dir), OPTIONS)) {
            for (int i = 0; i < QUERIES.size(); i++) {
                float[] scores = encoder.score(QUERIES.get(i), PASSAGES);
                assertThat(scores[i]).as("pair %d", i)
                        .isCloseTo((float) reference.get("pairs").get(i).get("logit").asDouble(), within(1e-4f));
            }
        }
    }

    @Test
    void rerank_ordersByLogit_andSigmoidOptionMapsScoresKeepingTheOrder() {
        String query = QUERIES.get(0);
        List<String> passages = List.of(PASSAGES.get(0), PASSAGES.get(1));
        try (CrossEncoder raw = CrossEncoder.load(SPEC, OPTIONS);
                CrossEncoder sig = CrossEncoder.load(SPEC, OPTIONS.withSigmoid(true))) {
            float[] logits = raw.score(query, passages);
            assertThat(logits[0]).isCloseTo(LOGITS.get(0), within(1e-4f));
            float[] probabilities = sig.score(query, passages);
            for (int i = 0; i < 2; i++) {
                assertThat(probabilities[i]).isCloseTo((float) (1 / (1 + Math.exp(-logits[i]))), within(1e-6f))
                        .isBetween(0f, 1f);
            }
            List<RerankResult> rawTop = raw.rerank(query, passages, 2);
            List<RerankResult> sigTop = sig.rerank(query, passages, 2);
            assertThat(rawTop).extracting(RerankResult::index).containsExactlyElementsOf(
                    sigTop.stream().map(RerankResult::index).toList());
            assertThat(rawTop.get(0).score()).isGreaterThanOrEqualTo(rawTop.get(1).score());
            assertThat(raw.rerank(query, passages, 1)).hasSize(1);
        }
    }

    @Test
    void deadline_tinyBudget_scoresAPrefix_andKeepsVectorOrderForTheRest() {
        // 5 ms per padded token before any measurement: passages 0 and 1 make 17-token pairs with query 0, so the
        // first two cost 170 ms and the first three (padded to 17) 255 ms; 200 ms leaves ~30 ms for tokenising.
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS.withInitialNanosPerToken(5_000_000))) {
            RerankOutcome outcome = encoder.rerankWithin(QUERIES.get(0), PASSAGES, 8, 200);
            assertThat(outcome.partial()).isTrue();
            assertThat(outcome.scoredCount()).isBetween(1, 2);
            int k = outcome.scoredCount();
            List<RerankResult> results = outcome.results();
            assertThat(results).hasSize(8);
            assertThat(results.subList(0, k)).allMatch(RerankOutcome::isScored)
                    .extracting(RerankResult::index).allMatch(i -> i < k);
            assertThat(results.subList(k, 8)).noneMatch(RerankOutcome::isScored)
                    .extracting(RerankResult::index).containsExactlyElementsOf(range(k, 8));
            assertThat(results.get(0).score()).isCloseTo(Collections.max(reference(encoder, k)), within(1e-4f));

            RerankOutcome none = encoder.rerankWithin(QUERIES.get(0), PASSAGES, 3, 0);
            assertThat(none.scoredCount()).isZero();
            assertThat(none.partial()).isTrue();
            assertThat(none.results()).extracting(RerankResult::index).containsExactly(0, 1, 2);
        }
    }

    /** Scores of the first {@code k} passages against query 0, computed without a deadline. */
    private static List<Float> reference(CrossEncoder encoder, int k) {
        float[] scores = encoder.score(QUERIES.get(0), PASSAGES.subList(0, k));
        List<Float> out = new ArrayList<>();
        for (float s : scores) {
            out.add(s);
        }
        return out;
    }

    @Test
    void deadline_ampleBudget_scoresAll_andEqualsPlainRerank() {
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS)) {
            RerankOutcome outcome = encoder.rerankWithin(QUERIES.get(2), PASSAGES, 5, 60_000);
            assertThat(outcome.partial()).isFalse();
            assertThat(outcome.scoredCount()).isEqualTo(8);
            assertThat(outcome.truncatedPairs()).isZero();
            assertThat(outcome.results()).hasSize(5).allMatch(RerankOutcome::isScored);
            assertThat(outcome.results()).extracting(RerankResult::index).containsExactlyElementsOf(
                    encoder.rerank(QUERIES.get(2), PASSAGES, 5).stream().map(RerankResult::index).toList());
            assertThat(encoder.nanosPerToken()).isPositive();
        }
    }

    @Test
    void rerankAll_scoresSeveralRequestsInOneOnnxRun_withTheScoresOfScoringEachAlone() {
        List<RerankJob> jobs = List.of(
                new RerankJob(QUERIES.get(0), PASSAGES.subList(0, 4), 4, 60_000),
                new RerankJob(QUERIES.get(2), PASSAGES.subList(2, 8), 6, 60_000),
                new RerankJob(QUERIES.get(5), PASSAGES, 8, 60_000));
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS)) {
            long before = encoder.batchesRun();
            List<RerankOutcome> together = encoder.rerankAll(jobs);
            assertThat(encoder.batchesRun() - before).as("18 pairs, at most 32 a batch: one ONNX run").isEqualTo(1);
            assertThat(encoder.pairsScored()).isEqualTo(18);

            before = encoder.batchesRun();
            List<RerankOutcome> alone = jobs.stream()
                    .map(j -> encoder.rerankWithin(j.query(), j.passages(), j.topN(), j.budgetMillis())).toList();
            assertThat(encoder.batchesRun() - before).isEqualTo(3);

            assertThat(together).hasSize(3);
            for (int j = 0; j < jobs.size(); j++) {
                RerankOutcome t = together.get(j);
                RerankOutcome a = alone.get(j);
                assertThat(t.partial()).isFalse();
                assertThat(t.scoredCount()).isEqualTo(jobs.get(j).passages().size());
                assertThat(t.results()).extracting(RerankResult::index)
                        .containsExactlyElementsOf(a.results().stream().map(RerankResult::index).toList());
                for (int r = 0; r < t.results().size(); r++) {
                    assertThat(t.results().get(r).score()).as("job %d result %d", j, r)
                            .isCloseTo(a.results().get(r).score(), within(1e-5f));
                }
            }
            // job 0 pairs query 0 with passage 0: the torch reference row 0
            assertThat(together.get(0).results()).filteredOn(r -> r.index() == 0).singleElement()
                    .satisfies(r -> assertThat(r.score()).isCloseTo(LOGITS.get(0), within(1e-4f)));
        }
    }

    @Test
    void rerankAll_batchesAtMostMaxBatchPairs_acrossRequests() {
        CrossEncoderOptions threePerBatch = OPTIONS.withMaxBatchPairs(3);
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, threePerBatch)) {
            encoder.rerankAll(List.of(new RerankJob(QUERIES.get(0), PASSAGES.subList(0, 4), 1, 60_000),
                    new RerankJob(QUERIES.get(1), PASSAGES.subList(0, 3), 1, 60_000)));
            assertThat(encoder.batchesRun()).as("7 pairs, 3 a batch").isEqualTo(3);
        }
    }

    @Test
    void rerankAll_tightBudgetOfOneRequest_limitsTheRun_andEachRequestKeepsItsBestCandidatesFirst() {
        // 5 ms per padded token before any measurement (pairs of ~17 tokens cost ~85 ms one by one; together they
        // pad to a batch): a 250 ms budget cannot cover both requests' eight candidates
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS.withInitialNanosPerToken(5_000_000))) {
            List<RerankOutcome> outcomes = encoder.rerankAll(List.of(
                    new RerankJob(QUERIES.get(0), PASSAGES, 8, 60_000),
                    new RerankJob(QUERIES.get(4), PASSAGES, 8, 250)));
            for (RerankOutcome outcome : outcomes) {
                int k = outcome.scoredCount();
                assertThat(k).isBetween(1, 7);
                assertThat(outcome.partial()).isTrue();
                assertThat(outcome.results().subList(0, k)).allMatch(RerankOutcome::isScored)
                        .extracting(RerankResult::index).allMatch(i -> i < k);
                assertThat(outcome.results().subList(k, 8)).extracting(RerankResult::index)
                        .containsExactlyElementsOf(range(k, 8));
            }
            assertThat(encoder.batchesRun()).isEqualTo(1);
        }
    }

    @Test
    void longPassages_tokenisedFromAPrefix_giveExactlyThePairsOfTheWholePassage() {
        String words = String.join(" ", PASSAGES);
        List<String> passages = List.of(
                words.repeat(20),                                   // cut at a space well before its end
                "x".repeat(16 * 8 - 1) + " " + words.repeat(5),     // its prefix is one [UNK]: re-tokenised whole
                "y".repeat(400),                                    // no space to cut at: tokenised whole
                "cats");                                            // short: untouched
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS.withMaxPairTokens(16));
                io.kembed.rerank.onnx.PairTokenizer tokenizer =
                        io.kembed.rerank.onnx.PairTokenizer.open(TINY.resolve("tokenizer.json"))) {
            assertThat(io.kembed.rerank.plan.PairTruncation.passagePrefix(passages.get(0), 16))
                    .hasSizeLessThanOrEqualTo(16 * 8).isNotEqualTo(passages.get(0));
            List<io.kembed.rerank.plan.EncodedPair> expected = tokenizer.encodePairs(QUERIES.get(1), passages)
                    .stream().map(p -> io.kembed.rerank.plan.PairTruncation.truncate(p, 16)).toList();
            List<io.kembed.rerank.plan.EncodedPair> actual = encoder.encode(QUERIES.get(1), passages);
            for (int i = 0; i < passages.size(); i++) {
                assertThat(actual.get(i).ids()).as("passage %d", i).containsExactly(expected.get(i).ids());
                assertThat(actual.get(i).typeIds()).containsExactly(expected.get(i).typeIds());
                assertThat(actual.get(i).truncated()).isEqualTo(expected.get(i).truncated());
            }
            assertThat(actual.get(0).length()).isEqualTo(16);
            assertThat(actual.get(1).length()).isEqualTo(16);
        }
    }

    @Test
    void pairsOverTheTokenCap_areTruncated_andCounted() {
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS.withMaxPairTokens(12))) {
            // with query 0 (7 tokens): passage 0 makes a 17-token pair, "cats" an 11-token one
            RerankOutcome outcome = encoder.rerankWithin(QUERIES.get(0), List.of(PASSAGES.get(0), "cats"), 2, 60_000);
            assertThat(outcome.truncatedPairs()).isEqualTo(1);
            assertThat(encoder.pairsTruncated()).isEqualTo(1);
            assertThat(encoder.maxPairTokens()).isEqualTo(12);
        }
    }

    @Test
    void badInput_isRejected() {
        try (CrossEncoder encoder = CrossEncoder.load(SPEC, OPTIONS)) {
            assertThatThrownBy(() -> encoder.rerank("q", List.of(), 3))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.rerank("q", List.of("p"), 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.rerankWithin("q", List.of(), 3, 100))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.rerankWithin("q", List.of("p"), 0, 100))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> encoder.rerankWithin("q", List.of("p"), 1, -1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }
}

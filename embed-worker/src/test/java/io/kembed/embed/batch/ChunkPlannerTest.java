package io.kembed.embed.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.embed.batch.ChunkPlanner.TokenRange;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

    /** One token per word: word ids 0, 1, 2, … */
    private static int[] singleTokenWords(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Test
    void textThatFits_isOneWindow() {
        assertThat(ChunkPlanner.plan(singleTokenWords(10), 10, 3)).containsExactly(new TokenRange(0, 10));
    }

    @Test
    void emptyText_hasNoWindows() {
        assertThat(ChunkPlanner.plan(new int[0], 10, 3)).isEmpty();
    }

    @Test
    void windows_overlapByExactlyTheRequestedTokens_whenWordsAreSingleTokens() {
        List<TokenRange> windows = ChunkPlanner.plan(singleTokenWords(25), 10, 3);

        assertThat(windows).containsExactly(new TokenRange(0, 10), new TokenRange(7, 17), new TokenRange(14, 24),
                new TokenRange(21, 25));
    }

    @Test
    void windows_doNotEndInsideAWord() {
        // words: 0 0 1 1 1 2 2 3 3 3 4 4 (12 tokens)
        int[] words = {0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4};

        List<TokenRange> windows = ChunkPlanner.plan(words, 6, 0);

        // A cut at 6 would split word 2 (tokens 5-6), so the first window ends at 5.
        assertThat(windows).containsExactly(new TokenRange(0, 5), new TokenRange(5, 10), new TokenRange(10, 12));
    }

    @Test
    void overlap_startsAtAWordStart_soItMayGrow() {
        int[] words = {0, 1, 2, 3, 3, 3, 4, 5, 6, 7};

        List<TokenRange> windows = ChunkPlanner.plan(words, 6, 1);

        // The first window ends at 6 (the start of word 4); a 1-token overlap would start at 5, inside word 3,
        // so the next window starts at word 3's first piece, 3.
        assertThat(windows.get(0)).isEqualTo(new TokenRange(0, 6));
        assertThat(windows.get(1).start()).isEqualTo(3);
    }

    @Test
    void wordLongerThanBudget_isCutInside() {
        int[] words = new int[30]; // one 30-piece word

        List<TokenRange> windows = ChunkPlanner.plan(words, 8, 2);

        assertThat(windows).allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(8));
        assertThat(windows.get(windows.size() - 1).end()).isEqualTo(30);
    }

    @Test
    void randomTexts_windowsFitBudget_overlapAtLeastAsRequested_andCoverAllTokens() {
        Random random = new Random(3);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(2_000);
            int[] words = new int[n];
            for (int i = 1; i < n; i++) {
                words[i] = words[i - 1] + (random.nextInt(3) == 0 ? 0 : 1); // a third of tokens continue a word
            }
            int budget = 5 + random.nextInt(300);
            int overlap = random.nextInt(budget / 2);

            List<TokenRange> windows = ChunkPlanner.plan(words, budget, overlap);

            assertThat(windows.get(0).start()).isZero();
            assertThat(windows.get(windows.size() - 1).end()).isEqualTo(n);
            for (int i = 0; i < windows.size(); i++) {
                assertThat(windows.get(i).length()).isLessThanOrEqualTo(budget);
                if (i > 0) {
                    TokenRange previous = windows.get(i - 1);
                    TokenRange current = windows.get(i);
                    assertThat(current.start()).isGreaterThan(previous.start());
                    assertThat(previous.end() - current.start()).as("overlap").isGreaterThanOrEqualTo(overlap);
                }
            }
        }
    }

    @Test
    void badBudgetOrOverlap_isRejected() {
        assertThatThrownBy(() -> ChunkPlanner.plan(new int[3], 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkPlanner.plan(new int[3], 4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkPlanner.plan(new int[3], 4, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

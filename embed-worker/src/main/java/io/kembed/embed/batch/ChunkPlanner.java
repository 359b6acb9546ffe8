package io.kembed.embed.batch;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a tokenised text into overlapping token windows that each fit a budget, cutting between words where it
 * can. Works on token indices only; mapping back to characters is the caller's job.
 */
public final class ChunkPlanner {

    private ChunkPlanner() {
    }

    /**
     * A window of tokens {@code [start, end)}.
     *
     * @param start first token, inclusive
     * @param end last token, exclusive
     */
    public record TokenRange(int start, int end) {

        public TokenRange {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("bad token range [" + start + ", " + end + ")");
            }
        }

        /** @return {@code end - start}, in tokens */
        public int length() {
            return end - start;
        }
    }

    /**
     * Plans windows over {@code wordIds.length} content tokens (no special tokens). Each window holds at most
     * {@code budget} tokens; the next window starts {@code overlapTokens} tokens before the previous one ends. Where
     * it costs no progress, a window ends before a word's first piece (not inside a word) and the next one starts
     * at a word's first piece, moved back, so the overlap is at least {@code overlapTokens}: it grows by at most the
     * rest of the word it starts in. A single word longer than the budget is cut inside.
     *
     * @param wordIds {@code int[tokens]}: the word each token belongs to; consecutive tokens with the same id are
     *     pieces of one word (for WordPiece, {@code "token", "##ization"})
     * @param budget most tokens per window, {@code >= 1}
     * @param overlapTokens tokens shared by consecutive windows, {@code 0 <= overlapTokens < budget}
     * @return windows in text order; one window {@code [0, n)} if the text fits, none if it has no tokens; the
     *     first starts at 0, the last ends at {@code n}, and consecutive windows overlap without gaps
     * @throws IllegalArgumentException if {@code budget < 1} or the overlap is negative or not below the budget
     */
    public static List<TokenRange> plan(int[] wordIds, int budget, int overlapTokens) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be >= 1 token, got " + budget);
        }
        if (overlapTokens < 0 || overlapTokens >= budget) {
            throw new IllegalArgumentException(
                    "overlapTokens must be in [0, " + budget + "), got " + overlapTokens);
        }
        int n = wordIds.length;
        List<TokenRange> windows = new ArrayList<>();
        if (n == 0) {
            return windows;
        }
        int start = 0;
        while (true) {
            int end = Math.min(start + budget, n);
            if (end < n) {
                int wordStart = startOfWord(wordIds, end);
                // Keep the word-aligned end only if the next window can still start after this one's start.
                if (wordStart - overlapTokens > start) {
                    end = wordStart;
                }
            }
            windows.add(new TokenRange(start, end));
            if (end == n) {
                return windows;
            }
            int next = end - overlapTokens;
            int alignedNext = startOfWord(wordIds, next);
            start = alignedNext > start ? alignedNext : next;
        }
    }

    /** @return the index of the first piece of the word that token {@code i} belongs to */
    private static int startOfWord(int[] wordIds, int i) {
        while (i > 0 && wordIds[i] == wordIds[i - 1]) {
            i--;
        }
        return i;
    }
}

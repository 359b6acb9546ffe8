package io.kembed.rerank.plan;

/**
 * Cuts a query/passage pair to a token cap. The passage loses tokens from its end first; the query is cut only if
 * it does not fit on its own, and then it keeps {@code cap - specials - min(passage, content / 2)} tokens so the
 * passage keeps up to half of the room (a query that long is rare and a pair with no passage scores nothing).
 * Special tokens are always kept.
 */
public final class PairTruncation {

    private PairTruncation() {
    }

    /**
     * @param pair the untruncated pair
     * @param cap longest pair, special tokens included; must leave room for at least two content tokens
     * @return {@code pair} itself if it fits, else a copy with tokens dropped and {@code truncated = true}
     * @throws IllegalArgumentException if the special tokens alone leave fewer than two tokens of room
     */
    public static EncodedPair truncate(EncodedPair pair, int cap) {
        int n = pair.length();
        if (n <= cap) {
            return pair;
        }
        int query = 0;
        int passage = 0;
        for (long s : pair.sequenceIds()) {
            if (s == 0) {
                query++;
            } else if (s == 1) {
                passage++;
            }
        }
        int specials = n - query - passage;
        int room = cap - specials;
        if (room < 2) {
            throw new IllegalArgumentException("a cap of " + cap + " tokens leaves no room next to " + specials
                    + " special tokens");
        }
        int keepQuery;
        int keepPassage;
        if (query <= room) {
            keepQuery = query;
            keepPassage = room - query;
        } else {
            keepPassage = Math.min(passage, room / 2);
            keepQuery = room - keepPassage;
        }
        long[] ids = new long[cap];
        long[] types = new long[cap];
        long[] seqs = new long[cap];
        int out = 0;
        int seenQuery = 0;
        int seenPassage = 0;
        for (int i = 0; i < n; i++) {
            long s = pair.sequenceIds()[i];
            boolean keep = s == 0 ? seenQuery++ < keepQuery : s != 1 || seenPassage++ < keepPassage;
            if (keep) {
                ids[out] = pair.ids()[i];
                types[out] = pair.typeIds()[i];
                seqs[out] = s;
                out++;
            }
        }
        return new EncodedPair(ids, types, seqs, true);
    }

    /**
     * Characters of passage text worth tokenising for a pair cap, before any tokenising: {@value #CHARS_PER_TOKEN}
     * characters per token of the cap. Tokens of English text average 4-5 characters (WordPiece and SentencePiece
     * vocabularies of ~30k-250k entries), so such a prefix nearly always still holds more tokens than the cap;
     * {@link #passageTokens} tells the caller when it does not.
     */
    public static final int CHARS_PER_TOKEN = 8;

    /**
     * A prefix of {@code passage} ending before a space, at most {@code cap * }{@value #CHARS_PER_TOKEN} chars,
     * so that tokenising it costs in proportion to the cap rather than to the passage. Cut at a space, its
     * tokens are exactly the first tokens of the whole passage (BERT's and XLM-RoBERTa's normalisers work per
     * character and their pre-tokenisers split at spaces), so when it still yields at least {@code cap}
     * passage tokens the capped pair is the one the whole passage gives.
     *
     * @param cap the per-pair token cap
     * @return {@code passage} itself if short enough or if it has no space to cut at, else the prefix
     */
    public static String passagePrefix(String passage, int cap) {
        long limit = (long) cap * CHARS_PER_TOKEN;
        if (passage.length() <= limit) {
            return passage;
        }
        for (int i = (int) limit; i > 0; i--) {
            if (passage.charAt(i) == ' ') { // a plain space splits words in every pre-tokeniser
                return passage.substring(0, i);
            }
        }
        return passage;
    }

    /** @return the pair's passage tokens (sequence id 1) */
    public static int passageTokens(EncodedPair pair) {
        int n = 0;
        for (long s : pair.sequenceIds()) {
            if (s == 1) {
                n++;
            }
        }
        return n;
    }
}

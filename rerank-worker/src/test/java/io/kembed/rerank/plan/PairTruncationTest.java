package io.kembed.rerank.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PairTruncationTest {

    /** [CLS] q.. [SEP] p.. [SEP] with query ids 10.., passage ids 100.. */
    private static EncodedPair pair(int query, int passage) {
        int n = query + passage + 3;
        long[] ids = new long[n];
        long[] types = new long[n];
        long[] seqs = new long[n];
        int i = 0;
        ids[i] = 2;
        seqs[i++] = -1;
        for (int q = 0; q < query; q++) {
            ids[i] = 10 + q;
            seqs[i++] = 0;
        }
        ids[i] = 3;
        seqs[i++] = -1;
        for (int p = 0; p < passage; p++) {
            ids[i] = 100 + p;
            types[i] = 1;
            seqs[i++] = 1;
        }
        ids[i] = 3;
        types[i] = 1;
        seqs[i] = -1;
        return new EncodedPair(ids, types, seqs, false);
    }

    @Test
    void pairWithinCap_isReturnedUntouched() {
        EncodedPair p = pair(3, 5);
        assertThat(PairTruncation.truncate(p, 11)).isSameAs(p);
    }

    @Test
    void longPair_losesPassageTokensFromTheEnd_queryAndSpecialsKept() {
        EncodedPair cut = PairTruncation.truncate(pair(3, 20), 10);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.ids()).containsExactly(2, 10, 11, 12, 3, 100, 101, 102, 103, 3);
        assertThat(cut.typeIds()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    }

    @Test
    void queryLongerThanTheCap_isCut_andThePassageKeepsHalfTheRoom() {
        EncodedPair cut = PairTruncation.truncate(pair(30, 20), 13); // room 10: passage 5, query 5
        assertThat(cut.ids()).containsExactly(2, 10, 11, 12, 13, 14, 3, 100, 101, 102, 103, 104, 3);
    }

    @Test
    void capWithoutRoomForContent_isRejected() {
        assertThatThrownBy(() -> PairTruncation.truncate(pair(5, 5), 4))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.kembed.embed.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kembed.core.model.Pooling;
import org.junit.jupiter.api.Test;

class TokenPoolingTest {

    /** Two texts, sequence 3, dims 2; the second text has one padded position holding large junk. */
    private static final float[][][] HIDDEN = {
        {{1, 2}, {3, 4}, {5, 6}},
        {{10, 0}, {0, 10}, {1000, -1000}},
    };
    private static final long[][] MASK = {{1, 1, 1}, {1, 1, 0}};

    @Test
    void cls_takesFirstTokenOfEachText() {
        float[][] pooled = TokenPooling.cls(HIDDEN);

        assertThat(pooled).isDeepEqualTo(new float[][] {{1, 2}, {10, 0}});
    }

    @Test
    void cls_returnsCopies() {
        float[][] pooled = TokenPooling.cls(HIDDEN);
        pooled[0][0] = 99;

        assertThat(HIDDEN[0][0][0]).isEqualTo(1f);
    }

    @Test
    void mean_averagesOnlyUnmaskedTokens() {
        float[][] pooled = TokenPooling.mean(HIDDEN, MASK);

        assertThat(pooled[0]).containsExactly(3f, 4f);
        assertThat(pooled[1]).containsExactly(5f, 5f); // the padded (1000, -1000) is ignored
    }

    @Test
    void mean_ofFullyMaskedText_isZero() {
        float[][] pooled = TokenPooling.mean(new float[][][] {{{1, 1}}}, new long[][] {{0}});

        assertThat(pooled[0]).containsExactly(0f, 0f);
    }

    @Test
    void pool_dispatchesOnMode() {
        assertThat(TokenPooling.pool(Pooling.CLS, HIDDEN, MASK)).isDeepEqualTo(TokenPooling.cls(HIDDEN));
        assertThat(TokenPooling.pool(Pooling.MEAN, HIDDEN, MASK)).isDeepEqualTo(TokenPooling.mean(HIDDEN, MASK));
    }

    @Test
    void mean_rejectsMismatchedShapes() {
        assertThatThrownBy(() -> TokenPooling.mean(HIDDEN, new long[][] {{1, 1, 1}}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenPooling.mean(HIDDEN, new long[][] {{1, 1, 1}, {1, 1}}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void l2Normalize_scalesToUnitLength_inPlace() {
        float[] v = {3, 4};

        float[] out = TokenPooling.l2Normalize(v);

        assertThat(out).isSameAs(v);
        assertThat(v[0]).isCloseTo(0.6f, within(1e-7f));
        assertThat(v[1]).isCloseTo(0.8f, within(1e-7f));
    }

    @Test
    void l2Normalize_leavesZeroVectorAlone() {
        assertThat(TokenPooling.l2Normalize(new float[] {0, 0, 0})).containsExactly(0f, 0f, 0f);
    }
}

package io.kembed.search.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheKeysTest {

    @Test
    void queryHash_isSha256OfTheExactText() {
        // sha256("abc") from FIPS 180-2, appendix B.1
        assertThat(CacheKeys.queryHash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(CacheKeys.queryHash("abc ")).isNotEqualTo(CacheKeys.queryHash("abc"));
        assertThat(CacheKeys.queryHash("ABC")).isNotEqualTo(CacheKeys.queryHash("abc"));
    }

    @Test
    void resultKey_changesWithEveryPartThatChangesTheAnswer() {
        String h = CacheKeys.queryHash("q");
        String base = CacheKeys.result("t", 0, "c", "m", "none", 20, 10, h);
        assertThat(CacheKeys.result("t", 1, "c", "m", "none", 20, 10, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("u", 0, "c", "m", "none", 20, 10, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("t", 0, "d", "m", "none", 20, 10, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("t", 0, "c", "n", "none", 20, 10, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("t", 0, "c", "m", "bi-encoder:x", 20, 10, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("t", 0, "c", "m", "none", 30, 10, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("t", 0, "c", "m", "none", 20, 5, h)).isNotEqualTo(base);
        assertThat(CacheKeys.result("t", 0, "c", "m", "none", 20, 10, CacheKeys.queryHash("r"))).isNotEqualTo(base);
    }

    @Test
    void separatorsInsideParts_cannotMakeTwoKeysCollide() {
        String h = CacheKeys.queryHash("q");
        // without encoding both would read res:a:b:g0:...
        assertThat(CacheKeys.result("a:b", 0, "c", "m", "none", 20, 10, h))
                .isNotEqualTo(CacheKeys.result("a", 0, "b:c", "m", "none", 20, 10, h))
                .startsWith("res:a%3Ab:g0:");
        assertThat(CacheKeys.generation("a:b")).isEqualTo("gen:a%3Ab");
        assertThat(CacheKeys.queryEmbedding("m:1", h)).isEqualTo("qe:m%3A1:" + h);
    }
}

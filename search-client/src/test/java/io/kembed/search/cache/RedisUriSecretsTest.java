package io.kembed.search.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Redis URI that cannot be parsed is reported without its password: Lettuce's parser quotes the whole URI in its
 * message, which {@code kembed} would print on the terminal or in a log.
 */
class RedisUriSecretsTest {

    private static final String PASSWORD = "uri-Secret-5a1b";

    @ParameterizedTest
    @ValueSource(strings = {"redis://:" + PASSWORD + "@ho st:6379", "rediss://:" + PASSWORD + "@[::1:6379",
            "redis://user:" + PASSWORD + "@host:6379/0 x", "foo://:" + PASSWORD + "@host"})
    void malformedUri_isReportedWithoutItsPassword(String uri) {
        assertThatThrownBy(() -> RedisSearchCache.create(uri, SearchCacheConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD).contains("***@"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://:" + PASSWORD + "@host:6379/0", "rediss://kembed:" + PASSWORD + "@host:6380",
            "redis://:p@ss" + PASSWORD + "@host/2"})
    void redactUri_hidesTheUserInfo_only(String uri) {
        String shown = RedisSearchCache.redactUri(uri);

        assertThat(shown).doesNotContain(PASSWORD).contains("***@host");
        assertThat(shown.substring(shown.indexOf("@") + 1)).isEqualTo(uri.substring(uri.lastIndexOf('@') + 1));
    }
}

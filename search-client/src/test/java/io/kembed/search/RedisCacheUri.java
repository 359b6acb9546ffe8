package io.kembed.search;

/** The real redis-server the tests use: 127.0.0.1:6379 unless KEMBED_TEST_REDIS_URI says otherwise. */
final class RedisCacheUri {

    static final String URI = System.getenv().getOrDefault("KEMBED_TEST_REDIS_URI", "redis://127.0.0.1:6379");

    private RedisCacheUri() {
    }
}

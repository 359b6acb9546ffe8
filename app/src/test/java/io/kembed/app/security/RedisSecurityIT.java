package io.kembed.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisSearchCache} (what {@code kembed search}, {@code bench search} and {@code worker sink} open from
 * {@code --redis-uri}) against a real redis-server of the test's own that requires a password
 * ({@code requirepass}) and also listens with TLS ({@code --tls-port}, a self-signed certificate made by openssl):
 * the password in the URI authenticates ({@code redis://:password@host:port}, or an ACL user's
 * {@code redis://user:password@host:port}), a missing or wrong one leaves the
 * cache unavailable (counted failures, searches uncached) rather than failing; {@code rediss://} encrypts and checks
 * the server's certificate against the JVM's trust store ({@code javax.net.ssl.trustStore}), so an untrusted
 * certificate or a plaintext client on the TLS port gets nowhere. kembed's and Lettuce's logs are captured at DEBUG
 * throughout: the password never appears in them.
 */
class RedisSecurityIT {

    private static final String PASSWORD = "redis-Secret-93ab1f";
    private static final String ACL_PASSWORD = "acl-Secret-77d1e0";
    private static final List<String> LOGGERS = List.of("io.kembed", "io.lettuce", "io.netty");

    @TempDir
    Path dir;

    private RedisServerProcess redis;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final java.util.Map<String, Level> levels = new java.util.HashMap<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start(PASSWORD, RedisServerProcess.TlsFiles.generate(dir), dir);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        for (String name : LOGGERS) {
            Logger l = (Logger) LoggerFactory.getLogger(name);
            levels.put(name, l.getLevel());
            l.setLevel(Level.DEBUG);
        }
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
        System.clearProperty("javax.net.ssl.trustStore");
        System.clearProperty("javax.net.ssl.trustStorePassword");
        System.clearProperty("javax.net.ssl.trustStoreType");
        redis.close();
    }

    @Test
    void passwordInTheUri_authenticates_aMissingOrWrongOne_leavesTheCacheUnavailable() {
        String host = "127.0.0.1:" + redis.port();
        try (RedisSearchCache good = cache("redis://:" + PASSWORD + "@" + host)) {
            assertWorks(good);
        }
        // An ACL user (Redis 6+): redis://user:password@host.
        io.lettuce.core.RedisClient admin = io.lettuce.core.RedisClient.create("redis://:" + PASSWORD + "@" + host);
        try (io.lettuce.core.api.StatefulRedisConnection<String, String> c = admin.connect()) {
            c.sync().aclSetuser("kembed-acl", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword(ACL_PASSWORD)
                    .allKeys().allCommands());
        } finally {
            admin.shutdown();
        }
        try (RedisSearchCache acl = cache("redis://kembed-acl:" + ACL_PASSWORD + "@" + host)) {
            assertWorks(acl);
        }
        for (String uri : List.of("redis://" + host, "redis://:wrong-" + PASSWORD + "@" + host,
                "redis://kembed-acl:" + PASSWORD + "@" + host)) {
            try (RedisSearchCache bad = cache(uri)) {
                assertUnavailable(bad, uri);
            }
        }
        assertNoPasswordLogged();
    }

    @Test
    void rediss_encrypts_andChecksTheCertificate_againstTheJvmTrustStore() throws Exception {
        String tls = "127.0.0.1:" + redis.tlsPort();
        // Untrusted self-signed certificate: refused.
        try (RedisSearchCache untrusted = cache("rediss://:" + PASSWORD + "@" + tls)) {
            assertUnavailable(untrusted, "rediss:// with an untrusted certificate");
        }
        // Plaintext client on the TLS port: nothing understandable comes back.
        try (RedisSearchCache plain = cache("redis://:" + PASSWORD + "@" + tls)) {
            assertUnavailable(plain, "redis:// on the TLS port");
        }
        Path trustStore = dir.resolve("truststore.p12");
        Process keytool = new ProcessBuilder("keytool", "-importcert", "-noprompt", "-alias", "redis", "-file",
                dir.resolve("redis.crt").toString(), "-keystore", trustStore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit").redirectErrorStream(true).redirectOutput(dir.resolve("keytool.out").toFile())
                .start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool").isTrue();
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        try (RedisSearchCache trusted = cache("rediss://:" + PASSWORD + "@" + tls)) {
            assertWorks(trusted);
        }
        try (RedisSearchCache noPassword = cache("rediss://" + tls)) {
            assertUnavailable(noPassword, "rediss:// without the password");
        }
        assertNoPasswordLogged();
    }

    private static RedisSearchCache cache(String uri) {
        return RedisSearchCache.create(uri, SearchCacheConfig.defaults().withKeyPrefix("kembed-it:security:"));
    }

    private static void assertWorks(RedisSearchCache cache) {
        float[] v = {0.5f, -0.25f};
        cache.putQueryEmbedding("qe:m:h", v);
        assertThat(cache.queryEmbedding("qe:m:h")).get().isEqualTo(v);
        long before = cache.generation("acme").orElseThrow();
        cache.bumpGenerations(Set.of("acme"));
        assertThat(cache.generation("acme")).hasValue(before + 1);
        assertThat(cache.failures()).isZero();
    }

    private static void assertUnavailable(SearchCache cache, String what) {
        assertThat(cache.generation("acme")).as("%s: no generation, so searches go uncached", what).isEmpty();
        assertThat(cache.queryEmbedding("qe:m:h")).as(what).isEmpty();
        assertThat(cache.failures()).as(what).isPositive();
    }

    private void assertNoPasswordLogged() {
        assertThat(logs.list).as("log events captured").isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertThat(text).as("%s log line", e.getLoggerName()).doesNotContain(PASSWORD).doesNotContain(ACL_PASSWORD);
        }
    }
}

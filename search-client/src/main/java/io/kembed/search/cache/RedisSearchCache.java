package io.kembed.search.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kembed.core.vector.FloatVectors;
import io.kembed.search.CachedResult;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared {@link SearchCache} on Redis through Lettuce, for production: every app instance reads and writes the
 * same entries, and the sink's generation bumps reach all of them.
 *
 * <ul>
 *   <li>Keys: {@link SearchCacheConfig#keyPrefix()} + {@link CacheKeys}.</li>
 *   <li>Query vectors: {@code SET key <float32 little-endian bytes> EX ttl}; results: {@code SET key <JSON> EX ttl}
 *       (Jackson).</li>
 *   <li>Generations: {@code GET}/{@code INCR} on {@code <prefix>gen:<tenant>}, kept without expiry: a counter that
 *       expired would fall back to 0 and revive results cached under generation 0.</li>
 *   <li>Connection: a {@code redis://} or {@code rediss://} (TLS) URI, password and database as in
 *       {@link RedisURI} ({@code rediss://:password@host:6380/0}). Connected lazily; when Redis is unreachable
 *       every call misses or drops at once (commands are rejected while disconnected, and each is bounded by
 *       {@link SearchCacheConfig#commandTimeout()}), a reconnect is tried at most every
 *       {@link #RECONNECT_INTERVAL}, and {@link #failures()} counts what failed.</li>
 * </ul>
 * Thread-safe: one Lettuce connection is shared (Lettuce pipelines concurrent commands on it).
 */
public final class RedisSearchCache implements SearchCache {

    /** Least time between two attempts to open the connection while Redis is unreachable. */
    public static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RedisSearchCache.class);
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    private final SearchCacheConfig config;
    private final RedisClient client;
    private final String redacted;
    private final AtomicLong failures = new AtomicLong();
    private final Object connectLock = new Object();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private long lastAttemptNanos; // guarded by connectLock
    private boolean attempted; // guarded by connectLock

    private RedisSearchCache(SearchCacheConfig config, RedisURI uri) {
        this.config = config;
        this.redacted = uri.getHost() + ":" + uri.getPort() + (uri.isSsl() ? " (TLS)" : "");
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .build());
    }

    /**
     * Creates the cache; connects on first use, so an unreachable Redis does not stop an app from starting.
     *
     * @param uri {@code redis://[:password@]host[:port][/db]} or {@code rediss://…} for TLS
     * @throws IllegalArgumentException if the URI cannot be parsed
     */
    public static RedisSearchCache create(String uri, SearchCacheConfig config) {
        Objects.requireNonNull(config, "config");
        return new RedisSearchCache(config, RedisURI.create(Objects.requireNonNull(uri, "uri")));
    }

    @Override
    public Optional<float[]> queryEmbedding(String key) {
        byte[] bytes = call(c -> c.get(config.keyPrefix() + key), null);
        return bytes == null ? Optional.empty() : Optional.of(FloatVectors.fromBytes(bytes));
    }

    @Override
    public void putQueryEmbedding(String key, float[] vector) {
        call(c -> c.set(config.keyPrefix() + key, FloatVectors.toBytes(vector),
                SetArgs.Builder.ex(config.queryEmbeddingTtl())), null);
    }

    @Override
    public Optional<CachedResult> result(String key) {
        byte[] bytes = call(c -> c.get(config.keyPrefix() + key), null);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(bytes, CachedResult.class));
        } catch (IOException e) {
            failures.incrementAndGet(); // written by another version of this class: treat as a miss
            LOG.warn("unreadable cached result under {}: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void putResult(String key, CachedResult result) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(result);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a search result", e);
        }
        call(c -> c.set(config.keyPrefix() + key, bytes, SetArgs.Builder.ex(config.resultTtl())), null);
    }

    @Override
    public OptionalLong generation(String tenant) {
        byte[] missing = new byte[0];
        byte[] bytes = call(c -> {
            byte[] v = c.get(config.keyPrefix() + CacheKeys.generation(tenant));
            return v == null ? new byte[] {'0'} : v;
        }, missing);
        if (bytes == missing) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(new String(bytes, StandardCharsets.US_ASCII)));
    }

    @Override
    public void bumpGenerations(Set<String> tenants) {
        for (String tenant : tenants) {
            Long after = call(c -> c.incr(config.keyPrefix() + CacheKeys.generation(tenant)), null);
            if (after == null) {
                // Nothing else to do: results stay cached until their TTL. Logged so operators can see it.
                LOG.warn("could not bump the search-cache generation of tenant {} in Redis {}", tenant, redacted);
            }
        }
    }

    @Override
    public long failures() {
        return failures.get();
    }

    /**
     * Deletes every key under this cache's prefix (SCAN + DEL, never KEYS): for tests and benchmarks that use a
     * prefix of their own. Failures are counted, not thrown.
     */
    public void deleteAll() {
        call(c -> {
            io.lettuce.core.ScanArgs match = io.lettuce.core.ScanArgs.Builder.matches(config.keyPrefix() + "*")
                    .limit(500);
            io.lettuce.core.KeyScanCursor<String> cursor = c.scan(match);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    c.del(cursor.getKeys().toArray(String[]::new));
                }
                if (cursor.isFinished()) {
                    return null;
                }
                cursor = c.scan(cursor, match);
            }
        }, null);
    }

    /** @return true if a connection is open now (tries to open one if allowed) */
    public boolean isConnected() {
        StatefulRedisConnection<String, byte[]> c = connection();
        return c != null && c.isOpen();
    }

    private <T> T call(Function<RedisCommands<String, byte[]>, T> command, T onFailure) {
        StatefulRedisConnection<String, byte[]> c = connection();
        if (c == null) {
            failures.incrementAndGet();
            return onFailure;
        }
        try {
            return command.apply(c.sync());
        } catch (RuntimeException e) { // RedisException, RedisCommandTimeoutException, connection rejected
            failures.incrementAndGet();
            LOG.debug("redis command failed: {}", e.toString());
            return onFailure;
        }
    }

    private StatefulRedisConnection<String, byte[]> connection() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            return c;
        }
        synchronized (connectLock) {
            if (connection != null) {
                return connection;
            }
            long now = System.nanoTime();
            if (attempted && now - lastAttemptNanos < RECONNECT_INTERVAL.toNanos()) {
                return null;
            }
            attempted = true;
            lastAttemptNanos = now;
            try {
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                LOG.info("search cache connected to Redis {}", redacted);
            } catch (RuntimeException e) {
                LOG.warn("Redis {} unreachable ({}); searching uncached, retrying in {} s", redacted,
                        e.getMessage(), RECONNECT_INTERVAL.toSeconds());
            }
            return connection;
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}

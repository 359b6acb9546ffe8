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
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 *       {@link #RECONNECT_INTERVAL}, and {@link #failures()} counts what failed. A dropped connection is
 *       re-established by Lettuce with a backoff of at most {@link #MAX_RECONNECT_DELAY}.</li>
 *   <li>Generation bumps are never dropped: a tenant whose {@code INCR} fails (Redis down) stays pending and is
 *       bumped as soon as Redis answers again: at once when the connection comes back, else on the next
 *       {@link #bumpGenerations} or within {@link #BUMP_RETRY_INTERVAL} ({@link #pendingBumps()}). Otherwise results
 *       cached before the outage would be served after it, although the sink wrote newer vectors during it. Pending
 *       bumps of one tenant coalesce into one increment, which invalidates all of its older results.</li>
 * </ul>
 * Thread-safe: one Lettuce connection is shared (Lettuce pipelines concurrent commands on it).
 */
public final class RedisSearchCache implements SearchCache {

    /** Least time between two attempts to open the connection while Redis is unreachable. */
    public static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(5);

    /** Longest wait between two attempts of Lettuce to re-open a dropped connection (its default is 30 s). */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    /** How often generation bumps that failed are tried again while Redis is unreachable. */
    public static final Duration BUMP_RETRY_INTERVAL = Duration.ofSeconds(1);

    /**
     * How long cached results are not read after a reconnect: a sink whose generation bumps failed during the
     * outage sends them within {@link #MAX_RECONNECT_DELAY} + {@link #BUMP_RETRY_INTERVAL} of Redis returning, and
     * until then a result cached before the outage would still look current. 5 s covers both with margin; results
     * are still written, and query vectors (which do not depend on the data) are still read.
     */
    public static final Duration RESULT_QUARANTINE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RedisSearchCache.class);
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    private final SearchCacheConfig config;
    private final ClientResources resources;
    private final RedisClient client;
    /** Tenants whose generation bump failed and is still owed; guarded by itself. */
    private final Set<String> pendingBumps = new TreeSet<>();
    /** Retries {@link #pendingBumps}; started by the first failed bump (a search-only client never needs it). */
    private volatile ScheduledExecutorService bumpRetrier;
    private final String redacted;
    private final AtomicLong failures = new AtomicLong();
    /** {@link System#nanoTime()} before which cached results are not read ({@link #RESULT_QUARANTINE}). */
    private volatile long resultsTrustedFromNanos = System.nanoTime();
    /** Whether a connection was ever activated: the first activation is not a reconnect. */
    private final java.util.concurrent.atomic.AtomicBoolean activatedBefore =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final Object connectLock = new Object();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private long lastAttemptNanos; // guarded by connectLock
    private boolean attempted; // guarded by connectLock

    private RedisSearchCache(SearchCacheConfig config, RedisURI uri) {
        this.config = config;
        this.redacted = uri.getHost() + ":" + uri.getPort() + (uri.isSsl() ? " (TLS)" : "");
        this.resources = ClientResources.builder()
                .reconnectDelay(() -> Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        // Owed generation bumps go out as soon as a connection is (re-)established. Not on the event thread:
        // the retry sends commands synchronously.
        resources.eventBus().get().filter(ConnectionActivatedEvent.class::isInstance)
                .subscribe(e -> {
                    if (activatedBefore.getAndSet(true)) {
                        quarantineResults(); // a reconnect: writes may have happened while Redis was away
                    }
                    ScheduledExecutorService retrier = bumpRetrier;
                    if (retrier != null) {
                        retrier.execute(this::retryPendingBumps);
                    }
                });
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
        Objects.requireNonNull(uri, "uri");
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (IllegalArgumentException e) {
            // The parser's message quotes the whole URI, password included; it would reach the terminal or a log.
            String userInfo = userInfo(uri);
            String why = String.valueOf(e.getMessage());
            throw new IllegalArgumentException("invalid Redis URI " + redactUri(uri) + ": "
                    + (userInfo.isEmpty() ? why : why.replace(userInfo, "***")));
        }
        return new RedisSearchCache(config, parsed);
    }

    /**
     * {@code uri} with its user info (the {@code [user]:password} before {@code @}) replaced by {@code ***}, for
     * messages and logs.
     */
    public static String redactUri(String uri) {
        String userInfo = userInfo(uri);
        return userInfo.isEmpty() ? uri : uri.replace(userInfo + "@", "***@");
    }

    /** The text between {@code ://} and the last {@code @} before the path, or "" if there is none. */
    private static String userInfo(String uri) {
        int start = uri.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int pathStart = uri.indexOf('/', start);
        int at = uri.lastIndexOf('@', pathStart < 0 ? uri.length() - 1 : pathStart);
        return at < start ? "" : uri.substring(start, at);
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
        if (System.nanoTime() - resultsTrustedFromNanos < 0) {
            return Optional.empty(); // quarantined after an outage: answer from the store
        }
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
        synchronized (pendingBumps) {
            pendingBumps.addAll(tenants);
            if (bumpPending() > 0) {
                startBumpRetrier();
                // Results stay cached until Redis answers again; then the bump goes out.
                LOG.warn("could not bump the search-cache generation of {} tenant(s) in Redis {}; retrying until "
                        + "it answers", pendingBumps.size(), redacted);
            }
        }
    }

    /** Tenants whose generation bump failed and has not gone out yet (0 when Redis answered every bump). */
    public int pendingBumps() {
        synchronized (pendingBumps) {
            return pendingBumps.size();
        }
    }

    private void retryPendingBumps() {
        synchronized (pendingBumps) {
            if (!pendingBumps.isEmpty() && bumpPending() == 0) {
                LOG.info("owed search-cache generation bumps sent to Redis {}", redacted);
            }
        }
    }

    /** Sends the owed bumps in order until one fails; returns how many are still owed. Holds the lock. */
    private int bumpPending() {
        for (java.util.Iterator<String> it = pendingBumps.iterator(); it.hasNext(); ) {
            String tenant = it.next();
            Long after = call(c -> c.incr(config.keyPrefix() + CacheKeys.generation(tenant)), null);
            if (after == null) {
                return pendingBumps.size(); // Redis is down: the rest would fail as well
            }
            it.remove();
        }
        return 0;
    }

    private void startBumpRetrier() {
        if (bumpRetrier == null) {
            ScheduledExecutorService retrier = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kembed-redis-bump-retry");
                t.setDaemon(true);
                return t;
            });
            long ms = BUMP_RETRY_INTERVAL.toMillis();
            retrier.scheduleWithFixedDelay(this::retryPendingBumps, ms, ms, TimeUnit.MILLISECONDS);
            bumpRetrier = retrier;
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

    /** Cached results are not read for {@link #RESULT_QUARANTINE} from now. */
    private void quarantineResults() {
        resultsTrustedFromNanos = System.nanoTime() + RESULT_QUARANTINE.toNanos();
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
            quarantineResults();
            return onFailure;
        }
        try {
            return command.apply(c.sync());
        } catch (RuntimeException e) { // RedisException, RedisCommandTimeoutException, connection rejected
            failures.incrementAndGet();
            quarantineResults();
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
        ScheduledExecutorService retrier = bumpRetrier;
        if (retrier != null) {
            retrier.shutdownNow();
        }
        synchronized (pendingBumps) {
            if (!pendingBumps.isEmpty()) {
                LOG.warn("closing with {} search-cache generation bump(s) not sent to Redis {}: results cached "
                        + "for those tenants may be served until their TTL", pendingBumps.size(), redacted);
            }
        }
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}

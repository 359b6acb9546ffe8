package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.embed.BiEncoder;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, Redis outage: a real {@code redis-server} of the test's own, killed (SIGKILL) while the sink writes,
 * and restarted on the same port with its data, as a Redis with persistence (AOF, fsync always) comes back after
 * a crash. Results cached before the outage are therefore still in Redis when it returns, under the generation
 * they were cached with: unless the sink's generation bumps that failed during the outage are sent when Redis
 * returns ({@link RedisSearchCache#pendingBumps()}), an app's {@link SearchClient} serves them although the store
 * changed. Ingest must go on while Redis is down, and after recovery every search must answer the store's current
 * state. The app's search cache is a {@link RedisSearchCache} of its own (its own connection), as in production.
 */
class RedisOutageIT {

    private static final List<String> TENANTS = List.of("t-redis-a", "t-redis-b");
    private static final List<String> QUERIES = List.of("wind energy", "fisheries", "rail freight", "banking rules",
            "farm policy", "data privacy", "steel trade", "public health", "ports", "water quality");
    private static final int K = 5;

    private Path work;
    private int port;
    private Process redis;
    private BiEncoder encoder;
    private RedisSearchCache sinkCache;
    private RedisSearchCache appCache;
    private LocalPipeline pipeline;
    private SearchClient app;
    private SearchClient uncached;

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-fault-redis");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startRedis();
        encoder = Fixtures.encoder();
        String uri = "redis://127.0.0.1:" + port;
        SearchCacheConfig config = SearchCacheConfig.defaults().withKeyPrefix("kembed-fault:");
        sinkCache = RedisSearchCache.create(uri, config);
        appCache = RedisSearchCache.create(uri, config);
        pipeline = LocalPipeline.start(new PipelineOptions(null, TopicNames.DEFAULT, new TopicAdmin.Layout(4, (short) 1),
                encoder.spec(), work.resolve("lucene"), PipelineOptions.defaultCollection(encoder.spec()),
                work.resolve("state"), Map.of()), encoder, sinkCache);
        app = SearchClient.builder(pipeline.store(), new BiEncoderQueryEmbedder(encoder)).cache(appCache)
                .options(SearchOptions.defaults()).build();
        uncached = SearchClient.builder(pipeline.store(), new BiEncoderQueryEmbedder(encoder))
                .options(SearchOptions.defaults()).build();
    }

    @AfterEach
    void stop() throws Exception {
        Fixtures.closeAll(null, app, uncached, pipeline, sinkCache, appCache, encoder);
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Utils.delete(work.toFile());
    }

    @Test
    void redisDownDuringWrites_ingestGoesOn_andNoStaleResultIsServedAfterItReturns() throws Exception {
        Fixtures.record(ReliabilityReport.scenario("fault.4-redis-outage", Fixtures.SUITE,
                "Redis (search cache) killed during writes and restarted with its data"), report -> {
            Workload source = new Workload(pipeline.publisher(), 4, TENANTS, 200);
            source.createAll();
            source.roundsUntil(1_200, 0.5);
            drain();
            // Every query answered once, so its result is cached under the tenant's current generation.
            Map<String, List<String>> before = new HashMap<>();
            for (String tenant : TENANTS) {
                for (String q : QUERIES) {
                    before.put(tenant + "|" + q, ids(app.search(tenant, q, K)));
                    assertThat(app.search(tenant, q, K).fromResultCache()).as("cached before the outage").isTrue();
                }
            }
            Map<String, Long> generations = generations();
            long appliedBefore = pipeline.sink().recordsApplied();

            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // a crash; the AOF holds every write
            source.roundsUntil(1_200, 0.5); // ingest goes on: text changes, deletes, re-creates
            drain();
            long appliedDuringOutage = pipeline.sink().recordsApplied() - appliedBefore;
            int owed = sinkCache.pendingBumps();
            long uncachedDuringOutage = 0;
            for (String tenant : TENANTS) {
                SearchResult r = app.search(tenant, QUERIES.get(0), K);
                uncachedDuringOutage += r.fromResultCache() ? 0 : 1;
                assertThat(ids(r)).as("search during the outage answers the store").isEqualTo(truth(tenant, QUERIES.get(0)));
            }

            startRedis();
            long recoveryStart = System.nanoTime();
            long staleInWindow = 0;
            long searchesInWindow = 0;
            // Searches while the sink's connection comes back and its owed bumps go out.
            while (sinkCache.pendingBumps() > 0) {
                assertThat(System.nanoTime() - recoveryStart).as("owed bumps sent after Redis returned")
                        .isLessThan(TimeUnit.SECONDS.toNanos(60));
                for (String tenant : TENANTS) {
                    searchesInWindow++;
                    staleInWindow += ids(app.search(tenant, QUERIES.get(1), K)).equals(truth(tenant, QUERIES.get(1)))
                            ? 0 : 1;
                }
                Thread.sleep(50);
            }
            double recoverySeconds = (System.nanoTime() - recoveryStart) / 1e9;
            // The app's own connection comes back on its own schedule (until then it searches uncached).
            while (appCache.generation(TENANTS.get(0)).isEmpty()) {
                assertThat(System.nanoTime() - recoveryStart).as("app's cache reconnected")
                        .isLessThan(TimeUnit.SECONDS.toNanos(60));
                Thread.sleep(50);
            }
            // After recovery: every answer must be the store's current state, and be cacheable again.
            long staleAfter = 0;
            long changedByOutageWrites = 0;
            long cachedAfter = 0;
            for (String tenant : TENANTS) {
                for (String q : QUERIES) {
                    List<String> truth = truth(tenant, q);
                    if (!truth.equals(before.get(tenant + "|" + q))) {
                        changedByOutageWrites++;
                    }
                    staleAfter += ids(app.search(tenant, q, K)).equals(truth) ? 0 : 1;
                    staleAfter += ids(app.search(tenant, q, K)).equals(truth) ? 0 : 1;
                }
            }
            // Once the app's quarantine of cached results after its reconnect is over, answers are cached again.
            Thread.sleep(io.kembed.search.cache.RedisSearchCache.RESULT_QUARANTINE.toMillis() + 200);
            for (String tenant : TENANTS) {
                for (String q : QUERIES) {
                    staleAfter += ids(app.search(tenant, q, K)).equals(truth(tenant, q)) ? 0 : 1;
                    SearchResult again = app.search(tenant, q, K);
                    cachedAfter += again.fromResultCache() ? 1 : 0;
                    staleAfter += ids(again).equals(truth(tenant, q)) ? 0 : 1;
                }
            }
            Map<String, Long> generationsAfter = generations();
            StoreAudit.Result audit = StoreAudit.audit(source.ledger(), pipeline.store());
            audit = new StoreAudit.Result(audit.entities(), audit.live(), audit.deleted(), audit.points(),
                    audit.lost(), audit.duplicated(), audit.stale() + staleAfter, audit.examples());
            audit.into(report.events(source.events()).faults(1, "redis-server SIGKILLed during writes, restarted"))
                    .figure("vectors records stored while Redis was down", appliedDuringOutage)
                    .figure("generation bumps owed when Redis returned", owed)
                    .figure("s until owed bumps were sent", Math.round(recoverySeconds * 10) / 10.0)
                    .figure("searches (answers) that the outage's writes changed", changedByOutageWrites)
                    .figure("stale answers after recovery", staleAfter)
                    .figure("stale answers before the sink's reconnect", staleInWindow + " of " + searchesInWindow)
                    .figure("generations before / after", generations + " / " + generationsAfter);

            Fixtures.assertClean(StoreAudit.audit(source.ledger(), pipeline.store()));
            assertThat(appliedDuringOutage).as("ingest went on while Redis was down").isPositive();
            assertThat(owed).as("bumps that failed while Redis was down").isPositive();
            assertThat(uncachedDuringOutage).as("searches during the outage answered uncached").isEqualTo(TENANTS.size());
            assertThat(changedByOutageWrites).as("cached answers the outage's writes made stale").isPositive();
            assertThat(staleAfter).as("stale answers after recovery").isZero();
            assertThat(staleInWindow).as("stale answers before the sink's owed bumps landed").isZero();
            assertThat(cachedAfter).as("answers cached again after recovery").isEqualTo(TENANTS.size() * QUERIES.size());
            for (String tenant : TENANTS) {
                assertThat(generationsAfter.get(tenant)).as("generation of %s", tenant)
                        .isGreaterThan(generations.get(tenant));
            }
        });
    }

    /** Entity and version of each hit, best first. */
    private static List<String> ids(SearchResult r) {
        List<String> out = new ArrayList<>();
        r.hits().forEach(h -> out.add(h.hit().entity() + "@" + h.hit().version()));
        return out;
    }

    /** What the store answers now, computed without any cache. */
    private List<String> truth(String tenant, String q) {
        return ids(uncached.search(tenant, q, K));
    }

    private Map<String, Long> generations() {
        Map<String, Long> out = new HashMap<>();
        for (String tenant : TENANTS) {
            out.put(tenant, appCache.generation(tenant).orElseThrow());
        }
        return out;
    }

    private void drain() throws InterruptedException {
        pipeline.publisher().flush();
        assertThat(pipeline.awaitDrained(Duration.ofMinutes(3))).as("pipeline drained").isTrue();
    }

    /** redis-server on {@link #port}, data (AOF, fsync on every write) in the work directory, until it answers. */
    private void startRedis() throws IOException, InterruptedException {
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] reply = new byte[7];
                int n = s.getInputStream().read(reply);
                if (n > 0 && new String(reply, 0, n, java.nio.charset.StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !redis.isAlive()) {
                throw new IllegalStateException("redis-server did not start; see " + work.resolve("redis.log"));
            }
            Thread.sleep(50);
        }
    }
}

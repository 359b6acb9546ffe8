package io.kembed.app.cli;

import io.kembed.app.eval.BeirDataset;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.store.VectorPoint;
import io.kembed.core.store.VectorStore;
import io.kembed.core.vector.ChunkVector;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.PassageEmbedding;
import io.kembed.embed.TextChunk;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.CandidateReranker;
import io.kembed.search.RerankStatus;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchCounters;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.RedisSearchCache;
import io.kembed.search.cache.SearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.VectorStores;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed bench search}: SearchClient latency on a real corpus (a BEIR set, embedded straight into a Lucene
 * store), P50/P95 for cold caches (every query new to the cache) and warm caches (the same queries again), with and
 * without rerank, for the in-process cache and, with {@code --redis-uri}, for Redis.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "SearchClient latency: cold vs warm caches, with and without rerank, in-process vs Redis.")
final class BenchSearchCommand implements Callable<Integer> {

    private static final String TENANT = "bench-search";

    @Option(names = "--dataset", paramLabel = "DIR", description = "BEIR dataset (default: data/beir/nobel-prizes).")
    Path dataset;

    @Option(names = "--queries", defaultValue = "100",
            description = "Distinct queries per pass (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Hits per search (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--warmup", defaultValue = "20",
            description = "Queries run first with a throwaway cache so that the JIT and the models are warm "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--work-dir", description = "Keep the Lucene store here and reuse it on the next run "
            + "(default: a temporary directory, deleted after).")
    Path workDir;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SearchClientOptions searchOptions;

    private record Pass(String cache, boolean rerank, Histogram cold, Histogram warm, Map<RerankStatus, Integer> statuses,
            long resultHits) {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        BeirDataset data = BeirDataset.load(dataset != null ? dataset : DataFiles.find("data/beir/nobel-prizes"));
        boolean temporary = workDir == null;
        Path work = temporary ? Files.createTempDirectory("kembed-bench-search") : workDir;
        List<String> texts = new ArrayList<>(data.queries().values());
        if (texts.size() < warmup + 1) {
            throw new IllegalArgumentException(data.name() + " has only " + texts.size() + " queries");
        }
        List<String> warm = texts.subList(0, warmup);
        List<String> timed = texts.subList(warmup, Math.min(texts.size(), warmup + queries));
        try (BiEncoder encoder = modelOptions.load();
                VectorStore store = VectorStores.lucene(work.resolve("lucene"), "bench__" + encoder.spec().id()
                        .replaceAll("[^a-zA-Z0-9_-]", "_"), encoder.spec().dims());
                CandidateReranker reranker = searchOptions.openReranker()) {
            long t = System.nanoTime();
            int chunks = ingest(data, encoder, store);
            out.printf(Locale.ROOT, "bench search: %s, %,d documents (%,d chunks) in Lucene (%.1f s), model %s, "
                    + "%d cores%n", data.name(), data.corpus().size(), chunks, (System.nanoTime() - t) / 1e9,
                    encoder.spec().id(), Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "%d distinct queries per pass (after %d warm-up queries), k=%d, candidates=%d, "
                    + "reranker %s, rerank budget %d ms%n", timed.size(), warm.size(), k,
                    searchOptions.searchOptions().candidates(), reranker == null ? "none" : reranker.id() + " ("
                    + reranker.kind() + ")", searchOptions.searchOptions().rerankTimeout().toMillis());

            out.printf("%n%-11s %-7s | %-21s | %-21s | %s%n", "cache", "rerank", "cold P50 / P95 (ms)",
                    "warm P50 / P95 (ms)", "cold rerank outcomes; warm result-cache hits");
            List<Boolean> rerankModes = reranker == null ? List.of(false) : List.of(false, true);
            List<String> caches = searchOptions.redisUri() == null ? List.of("in-process")
                    : List.of("in-process", "redis");
            for (String cacheName : caches) {
                for (boolean rerank : rerankModes) {
                    SearchOptions options = searchOptions.searchOptions().withRerank(rerank);
                    // a fresh cache per pass (Redis: a fresh key prefix), so the first round is cold for every query
                    try (SearchCache warmCache = openCache(cacheName); SearchCache cache = openCache(cacheName)) {
                        SearchClient warmClient = client(store, encoder, reranker, warmCache, options);
                        warm.forEach(q -> warmClient.search(TENANT, q, k));
                        print(out, measure(cacheName, rerank, client(store, encoder, reranker, cache, options), timed));
                        cleanUp(warmCache);
                        cleanUp(cache);
                    }
                }
            }
            return 0;
        } finally {
            if (temporary) {
                DemoCommand.deleteRecursively(work);
            }
        }
    }

    private static void print(PrintStream out, Pass p) {
        out.printf(Locale.ROOT, "%-11s %-7s | %8.2f / %8.2f   | %8.3f / %8.3f   | %s; %d/%d%n", p.cache(),
                p.rerank() ? "on" : "off", ms(p.cold(), 50), ms(p.cold(), 95), ms(p.warm(), 50), ms(p.warm(), 95),
                p.statuses(), p.resultHits(), p.warm().getTotalCount());
        out.flush();
    }

    private SearchCache openCache(String name) {
        return name.equals("redis") ? RedisSearchCache.create(searchOptions.redisUri(),
                SearchCacheConfig.defaults().withKeyPrefix("kembed-bench:" + UUID.randomUUID() + ":"))
                : new CaffeineSearchCache(SearchCacheConfig.defaults());
    }

    /** Deletes the bench's keys from Redis (its prefix is unique to one pass). */
    private void cleanUp(SearchCache cache) {
        if (cache instanceof RedisSearchCache redis) {
            redis.deleteAll();
        }
    }

    private static SearchClient client(VectorStore store, BiEncoder encoder, CandidateReranker reranker,
            SearchCache cache, SearchOptions options) {
        return SearchClient.builder(store, new BiEncoderQueryEmbedder(encoder)).reranker(reranker).cache(cache)
                .options(options).build();
    }

    private Pass measure(String cacheName, boolean rerank, SearchClient client, List<String> texts) {
        Histogram cold = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        Histogram warm = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        Map<RerankStatus, Integer> statuses = new EnumMap<>(RerankStatus.class);
        for (String q : texts) {
            long t = System.nanoTime();
            SearchResult r = client.search(TENANT, q, k);
            cold.recordValue(Math.max(1, (System.nanoTime() - t) / 1_000));
            statuses.merge(r.rerankStatus(), 1, Integer::sum);
        }
        long hitsBefore = client.counters().hits(SearchCounters.Cache.RESULT);
        for (String q : texts) {
            long t = System.nanoTime();
            client.search(TENANT, q, k);
            warm.recordValue(Math.max(1, (System.nanoTime() - t) / 1_000));
        }
        return new Pass(cacheName, rerank, cold, warm, statuses,
                client.counters().hits(SearchCounters.Cache.RESULT) - hitsBefore);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Chunks and embeds the corpus as the embed worker does, straight into the store; skipped if already there. */
    private static int ingest(BeirDataset data, BiEncoder encoder, VectorStore store) {
        long stored = store.count(TENANT);
        if (stored > 0) {
            return (int) stored;
        }
        int chunks = 0;
        for (BeirDataset.Doc d : data.corpus()) {
            DocumentEvent event = DocumentEvent.upsert(TENANT, d.id(), 1, d.title(), d.text());
            String text = event.embeddableText();
            if (text.isBlank()) {
                continue;
            }
            List<TextChunk> parts = encoder.chunk(text, EmbedWorkerConfig.DEFAULT_CHUNK_OVERLAP_TOKENS);
            List<PassageEmbedding> vectors = encoder.embedPassages(parts.stream().map(TextChunk::text).toList());
            List<VectorPoint> points = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                String snippet = new ChunkVector(i, 0, false, parts.get(i).text(), vectors.get(i).vector()).snippet();
                points.add(new VectorPoint(EntityKey.document(TENANT, d.id()), i, 1, encoder.spec().id(),
                        vectors.get(i).vector(), d.title(), snippet));
            }
            store.upsert(points);
            chunks += points.size();
        }
        store.flush();
        return chunks;
    }
}

package io.kembed.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kembed.app.eval.RerankEvaluation;
import io.kembed.app.eval.TrecRun;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.CollectionAliases;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.rerank.requestreply.RerankClient;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.search.AliasSearch;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.CandidateReranker;
import io.kembed.search.KafkaCandidateReranker;
import io.kembed.search.KafkaQueryEmbedder;
import io.kembed.search.QueryEmbedder;
import io.kembed.search.RerankStatus;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.SearchCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kembed search}: one query or a file of them through {@link SearchClient}: embed (cached), search the
 * tenant's vectors for the candidates, rerank (the bi-encoder fallback unless a cross-encoder is given), print or
 * write the ranking with the rerank status.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search one query, or a JSONL file of queries into a TREC run file.")
public final class SearchCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY", description = "The query text.")
    String query;

    @Option(names = "--tenant", defaultValue = "${env:KEMBED_TENANT:-" + DemoCommand.TENANT + "}",
            description = "Tenant to search (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = {"-k", "--top-k"}, defaultValue = "10", description = "Hits to return (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--queries", paramLabel = "FILE.jsonl",
            description = "Batch mode: one query per line, {\"_id\": ..., \"text\": ...} (BEIR queries.jsonl).")
    Path queries;

    @Option(names = "--run-out", paramLabel = "RUN.tsv",
            description = "Batch mode: write the ranking in TREC run format (qid Q0 docid rank score tag).")
    Path runOut;

    @Option(names = "--tag", defaultValue = "kembed", description = "Run tag in the TREC file (default: ${DEFAULT-VALUE}).")
    String tag;

    @Option(names = "--alias", defaultValue = CollectionNames.DEFAULT_ALIAS,
            description = "Search the collection this alias names, with its model, unless --collection is given "
                    + "(default: ${DEFAULT-VALUE}; no such alias: the --model's collection).")
    String alias;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    SearchClientOptions searchOptions;

    @Option(names = "--via-kafka",
            description = "Embed the query on the embed workers' query lane and rerank on the rerank workers, over "
                    + "Kafka request/reply (needs --bootstrap-servers), instead of loading the models in this "
                    + "process. The rerank workers' model reranks; the rerank model options are not used.")
    boolean viaKafka;

    @Option(names = "--client-id", paramLabel = "ID",
            description = "With --via-kafka: names this client's reply topics, [a-zA-Z0-9._-] (default: "
                    + "kembed-search-<host name>; one per host, so repeated runs reuse them).")
    String clientId;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws IOException {
        if ((query == null) == (queries == null)) {
            throw new IllegalArgumentException("give either a QUERY or --queries FILE");
        }
        if (queries != null && runOut == null) {
            throw new IllegalArgumentException("--queries needs --run-out RUN.tsv");
        }
        PrintStream out = System.out;
        SearchOptions options = searchOptions.searchOptions();
        modelOptions.spec(); // an unknown model is refused before anything is opened
        String bootstrap = viaKafka ? kafka.requireBootstrapServers() : null;
        String replyClientId = viaKafka ? (clientId != null ? clientId : defaultClientId()) : null;
        RerankTopics rerankTopics = new RerankTopics(kafka.topicPrefix);
        List<AutoCloseable> opened = new ArrayList<>();
        try (SearchCache cache = searchOptions.openCache();
                CandidateReranker reranker = !viaKafka ? searchOptions.openReranker() : !options.rerank() ? null
                        : new KafkaCandidateReranker(RerankClient.create(bootstrap, rerankTopics, replyClientId,
                                kafka.clientProperties()), "kafka:" + rerankTopics.requests(), true);
                CollectionAliases aliases = storeOptions.aliases()) {
            // Through the alias unless --collection names a collection: each search then runs on the collection
            // the alias names at that moment, with its model (AliasSearch).
            boolean viaAlias = storeOptions.collection == null && aliases.resolve(alias).isPresent();
            java.util.function.Function<String, SearchClient> clientFor = collection -> {
                // The shared alias's collection or, for a tenant re-embedded on its own, its alias's.
                ModelSpec spec = viaAlias ? CollectionNames.modelOf(collection).orElseThrow(() ->
                        new IllegalStateException("alias " + alias + " points at " + collection
                                + ", not at <alias>__<registry model>")) : modelOptions.spec();
                QueryEmbedder embedder;
                if (viaKafka) {
                    // Requests name the model, so a worker of another model refuses instead of answering with a
                    // vector of the wrong space.
                    embedder = new KafkaQueryEmbedder(QueryEmbedClient.create(bootstrap, new QueryEmbedTopics(
                            kafka.topicPrefix), replyClientId + "." + spec.id(), spec.id(), kafka.clientProperties()),
                            spec.id(), spec.dims(), true);
                } else {
                    BiEncoder encoder = spec.id().equals(modelOptions.spec().id()) ? modelOptions.load()
                            : BiEncoder.load(spec, BiEncoderOptions.forWorker(spec));
                    opened.add(encoder);
                    embedder = new BiEncoderQueryEmbedder(encoder);
                }
                if (embedder instanceof AutoCloseable closeable) {
                    opened.add(closeable); // the request/reply clients
                }
                VectorStore store = storeOptions.open(collection, spec.dims());
                opened.add(store);
                return SearchClient.builder(store, embedder).reranker(reranker)
                        .cache(cache).options(options).build();
            };
            AliasSearch aliasSearch = viaAlias ? new AliasSearch(aliases, alias, clientFor) : null;
            SearchClient fixed = viaAlias ? null : clientFor.apply(storeOptions.collection(modelOptions.spec()));
            opened.add(aliasSearch != null ? aliasSearch : fixed);
            SearchClient client = viaAlias ? null : fixed;
            java.util.function.BiFunction<String, Integer, SearchResult> search = (text, n) -> client != null
                    ? client.search(tenant, text, n) : aliasSearch.search(tenant, text, n);
            if (query != null) {
                SearchResult r = search.apply(query, k);
                out.printf(Locale.ROOT, "%d hits for \"%s\" in tenant %s (%s%s, %s%s, %.0f ms)%n",
                        r.hits().size(), query, tenant, viaAlias ? "alias " + alias + " -> " : "", r.collection(),
                        r.modelId(), !viaKafka ? "" : options.rerank() ? ", embedded and reranked over Kafka"
                                : ", embedded over Kafka", r.elapsedMillis());
                out.printf("rerank: %s%n", r.rerankLabel());
                print(out, r, 140);
                return 0;
            }
            Map<String, List<TrecRun.Scored>> run = new LinkedHashMap<>();
            Map<RerankStatus, Integer> statuses = new java.util.EnumMap<>(RerankStatus.class);
            long t = System.nanoTime();
            // chunk hits: fetch twice k so that k distinct documents remain after MaxP (rerank caps it at 100)
            int depth = options.rerank() ? Math.min(2 * k, SearchOptions.MAX_CANDIDATES) : 2 * k;
            for (Map.Entry<String, String> q : readQueries(queries).entrySet()) {
                SearchResult r = search.apply(q.getValue(), depth);
                statuses.merge(r.rerankStatus(), 1, Integer::sum);
                run.put(q.getKey(), RerankEvaluation.rankedDocuments(r).stream().limit(k).toList());
            }
            TrecRun.write(runOut, run, tag);
            out.printf(Locale.ROOT, "%d queries searched in %.1f s, run written to %s; rerank %s%n", run.size(),
                    (System.nanoTime() - t) / 1e9, runOut, statuses);
            return 0;
        } finally {
            closeInReverse(opened);
        }
    }

    /** {@code kembed-search-<host name>}, cut to the characters and length a reply topic name allows. */
    static String defaultClientId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        String id = "kembed-search-" + host.replaceAll("[^a-zA-Z0-9._-]", "_");
        return id.length() > 60 ? id.substring(0, 60) : id;
    }

    private static void closeInReverse(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(SearchCommand.class).warn("error while closing: {}", e.toString());
            }
        }
    }

    /** Prints ranked hits with vector rank, vector score and rerank score. */
    static void print(PrintStream out, SearchResult r, int snippetChars) {
        int rank = 1;
        for (SearchResult.Hit hit : r.hits()) {
            SearchHit h = hit.hit();
            String rerank = hit.rerankScore() == null ? "" : String.format(Locale.ROOT, "  rerank %.4f", hit.rerankScore());
            out.printf(Locale.ROOT, "%3d. %.4f  %s %s#%d  %s  (vector rank %d%s)%n      %s%n", rank++, h.score(),
                    h.entity().type().wire(), h.entity().id(), h.chunk(), h.title(), hit.vectorRank(), rerank,
                    DemoCommand.abbreviate(h.snippet(), snippetChars));
        }
    }

    static Map<String, String> readQueries(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = ChangeEventCodec.mapper().readTree(line);
            JsonNode id = node.has("_id") ? node.get("_id") : node.get("id");
            JsonNode text = node.has("text") ? node.get("text") : node.get("query");
            if (id == null || text == null) {
                throw new IOException(file + " line " + n + ": needs _id and text");
            }
            out.put(id.asText(), text.asText());
        }
        return out;
    }
}

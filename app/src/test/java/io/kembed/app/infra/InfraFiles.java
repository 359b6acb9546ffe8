package io.kembed.app.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reading the files under {@code infra/} for the tests that check them. */
public final class InfraFiles {

    /**
     * Dashboard metrics recorded outside the embed and sink workers that OpsEndpointsIT runs: by the rerank worker,
     * the embed worker's query server and SearchClient.
     */
    public static final java.util.Set<String> OTHER_MODULES_METRICS = java.util.Set.of(
            "kembed_rerank_latency_seconds_bucket", "kembed_query_embed_latency_seconds_bucket",
            "kembed_search_cache_total");

    static final Path INFRA = Path.of("..", "infra");
    static final Path K8S = INFRA.resolve("k8s");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("\\b((?:kembed|kafka)_[a-z0-9_]+)\\b");

    private InfraFiles() {
    }

    /**
     * Every YAML document of a file (a {@code ---} separated stream), skipping empty ones. SnakeYAML (what Jackson's
     * YAML module parses with) builds the tree, so anchors, aliases and merge keys are resolved as Compose does.
     */
    static List<JsonNode> yamlDocuments(Path file) {
        try (var in = Files.newBufferedReader(file)) {
            List<JsonNode> docs = new ArrayList<>();
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                if (doc != null) {
                    docs.add(JSON.valueToTree(doc));
                }
            }
            return docs;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    static JsonNode yaml(Path file) {
        List<JsonNode> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + " has " + docs.size() + " YAML documents, expected 1");
        }
        return docs.get(0);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code .yml}/{@code .yaml} files under {@code dir}, recursively. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every Kubernetes object of the manifests under {@code infra/k8s}. */
    static List<JsonNode> k8sObjects() {
        List<JsonNode> all = new ArrayList<>();
        yamlFiles(K8S).forEach(f -> all.addAll(yamlDocuments(f)));
        return all;
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static JsonNode named(List<JsonNode> objects, String kind, String name) {
        return ofKind(objects, kind).stream().filter(o -> name.equals(o.at("/metadata/name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in infra/k8s"));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Metric names ({@code kembed_*}, {@code kafka_*}) in every Prometheus query of the Grafana dashboard. */
    public static Set<String> dashboardMetrics() {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : json(INFRA.resolve("grafana/dashboards/kembed.json")).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** Partitions per topic declared in {@code infra/topics.properties}. */
    static int partitions(String topic) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(INFRA.resolve("topics.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String spec = p.getProperty(topic);
        if (spec == null) {
            throw new AssertionError("topics.properties declares no " + topic);
        }
        Matcher m = Pattern.compile("partitions=(\\d+)").matcher(spec);
        if (!m.find()) {
            throw new AssertionError("no partitions for " + topic);
        }
        return Integer.parseInt(m.group(1));
    }
}

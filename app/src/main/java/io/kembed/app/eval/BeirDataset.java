package io.kembed.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.kembed.core.event.ChangeEventCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset in BEIR format (Thakur et al., 2021, "BEIR: A Heterogeneous Benchmark for Zero-shot Evaluation of
 * Information Retrieval Models"): {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text}),
 * {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/test.tsv} ({@code query-id corpus-id score}
 * with a header line). Only queries that have judgements in the qrels are evaluated.
 */
public record BeirDataset(String name, List<Doc> corpus, Map<String, String> queries,
        Map<String, Map<String, Integer>> qrels) {

    public record Doc(String id, String title, String text) {
    }

    /**
     * @throws UncheckedIOException if a file is missing or malformed
     */
    public static BeirDataset load(Path dir) {
        try {
            List<Doc> corpus = new ArrayList<>();
            for (JsonNode n : readJsonl(dir.resolve("corpus.jsonl"))) {
                corpus.add(new Doc(text(n, "_id"), n.path("title").asText(""), n.path("text").asText("")));
            }
            Map<String, String> allQueries = new LinkedHashMap<>();
            for (JsonNode n : readJsonl(dir.resolve("queries.jsonl"))) {
                allQueries.put(text(n, "_id"), text(n, "text"));
            }
            Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(dir.resolve("qrels").resolve("test.tsv"), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || (i == 0 && line.startsWith("query-id"))) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 3) {
                    throw new IOException("qrels/test.tsv line " + (i + 1) + ": expected query-id, corpus-id, score");
                }
                qrels.computeIfAbsent(f[0], q -> new LinkedHashMap<>()).put(f[1], Integer.parseInt(f[2].strip()));
            }
            Map<String, String> queries = new LinkedHashMap<>();
            allQueries.forEach((id, q) -> {
                if (qrels.containsKey(id)) {
                    queries.put(id, q);
                }
            });
            return new BeirDataset(dir.getFileName().toString(), corpus, queries, qrels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BEIR dataset " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<JsonNode> readJsonl(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(ChangeEventCodec.mapper().readTree(line));
                } catch (IOException e) {
                    throw new IOException(file.getFileName() + " line " + n + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IOException("missing field '" + field + "' in " + n);
        }
        return v.asText();
    }
}

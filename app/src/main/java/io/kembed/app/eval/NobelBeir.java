package io.kembed.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kembed.core.event.ChangeEventCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a small BEIR-format retrieval set from the Nobel Prize laureates file (CC0, Nobel Prize Outreach; see
 * {@code data/nobel-laureates/PROVENANCE.md}).
 *
 * <ul>
 *   <li>corpus: one document per laureate; title = name, text = birth, prizes (category, year, motivation) and
 *       affiliations;</li>
 *   <li>queries: one per prize (year and category), the prize motivation without its quotes;</li>
 *   <li>qrels: laureates of that prize with that motivation are relevant 2, co-laureates of the same prize with
 *       another motivation 1.</li>
 * </ul>
 * It is a check that the pipeline preserves the raw model's ranking on real text, not a hard benchmark: the
 * motivation is part of the relevant document.
 */
public final class NobelBeir {

    private NobelBeir() {
    }

    /**
     * @param minYear only prizes from this year on (a smaller set for tests); 0 for all
     * @return the number of documents and queries written
     * @throws IOException if the input cannot be read or the output written
     */
    public static int[] build(Path laureateJson, Path outDir, int minYear) throws IOException {
        ObjectMapper mapper = ChangeEventCodec.mapper();
        JsonNode root = mapper.readTree(laureateJson.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<ObjectNode> corpus = new ArrayList<>();
        for (JsonNode l : root.path("laureates")) {
            List<JsonNode> prizes = new ArrayList<>();
            for (JsonNode p : l.path("prizes")) {
                if (p.path("year").asInt() >= minYear) {
                    prizes.add(p);
                }
            }
            if (prizes.isEmpty()) {
                continue;
            }
            String docId = "laureate-" + l.path("id").asText();
            String name = (l.path("firstname").asText("") + " " + l.path("surname").asText("")).strip();
            StringBuilder text = new StringBuilder();
            if (l.hasNonNull("born") && !l.path("born").asText().startsWith("0000")) {
                text.append("Born ").append(l.path("born").asText());
                if (l.hasNonNull("bornCity")) {
                    text.append(" in ").append(l.path("bornCity").asText()).append(", ")
                            .append(l.path("bornCountry").asText(""));
                }
                text.append(". ");
            }
            for (JsonNode p : prizes) {
                String motivation = unquote(p.path("motivation").asText(""));
                String category = p.path("category").asText();
                text.append(String.format(Locale.ROOT, "Nobel Prize in %s %s: %s. ", category, p.path("year").asText(),
                        motivation));
                List<String> affiliations = new ArrayList<>();
                for (JsonNode a : p.path("affiliations")) {
                    if (a.hasNonNull("name")) {
                        affiliations.add(a.path("name").asText() + (a.hasNonNull("city") ? ", "
                                + a.path("city").asText() : ""));
                    }
                }
                if (!affiliations.isEmpty()) {
                    text.append("Affiliation: ").append(String.join("; ", affiliations)).append(". ");
                }
                String qid = p.path("year").asText() + "-" + category;
                if (!motivation.isBlank()) {
                    queries.putIfAbsent(qid, motivation);
                    qrels.computeIfAbsent(qid, q -> new LinkedHashMap<>())
                            .put(docId, queries.get(qid).equals(motivation) ? 2 : 1);
                }
            }
            ObjectNode doc = mapper.createObjectNode();
            doc.put("_id", docId);
            doc.put("title", name);
            doc.put("text", text.toString().strip());
            corpus.add(doc);
        }
        Files.createDirectories(outDir.resolve("qrels"));
        try (BufferedWriter w = Files.newBufferedWriter(outDir.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
            for (ObjectNode d : corpus) {
                w.write(mapper.writeValueAsString(d));
                w.newLine();
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(outDir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                ObjectNode n = mapper.createObjectNode();
                n.put("_id", q.getKey());
                n.put("text", q.getValue());
                w.write(mapper.writeValueAsString(n));
                w.newLine();
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(outDir.resolve("qrels").resolve("test.tsv"),
                StandardCharsets.UTF_8)) {
            w.write("query-id\tcorpus-id\tscore\n");
            for (Map.Entry<String, Map<String, Integer>> q : qrels.entrySet()) {
                for (Map.Entry<String, Integer> d : q.getValue().entrySet()) {
                    w.write(q.getKey() + "\t" + d.getKey() + "\t" + d.getValue() + "\n");
                }
            }
        }
        return new int[] {corpus.size(), queries.size()};
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t.strip();
    }
}

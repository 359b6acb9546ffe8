package io.kembed.app.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kembed.core.event.ChangeEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Generates malformed and edge-case request payloads for the rerank and query-embedding request topics: byte-level
 * garbage, each field missing, null and of every wrong JSON type, values around every limit, and text edge cases.
 * Each payload says which reply it must get: an error code ({@code INVALID_REQUEST}, {@code MODEL_UNAVAILABLE}) or
 * {@code OK} (a normal answer).
 */
final class BadRequests {

    static final String OK = "OK";

    /** @param value null sends a record without a value */
    record Payload(String name, byte[] value, String expect) {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> TEXT_EDGES = List.of("😀🚀 emoji", "مرحبا بالعالم", "日本語のクエリ",
            "nul \u0000 inside", "\u202eRTL override", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "half \ud800 surrogate");

    private BadRequests() {
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return ChangeEventCodec.mapper().writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Payload> garbage(String invalid) {
        List<Payload> out = new ArrayList<>();
        out.add(new Payload("no value (null)", null, invalid));
        for (String g : List.of("", " ", "{", "{oops", "[]", "null", "42", "\"text\"", "{\"a\":1}}", "<xml/>")) {
            out.add(new Payload("json '" + g + "'", g.getBytes(StandardCharsets.UTF_8), invalid));
        }
        out.add(new Payload("invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'}, invalid));
        out.add(new Payload("raw NUL in a string", "{\"query\":\"a\u0000b\",\"text\":\"a\u0000b\"}"
                .getBytes(StandardCharsets.UTF_8), invalid));
        return out;
    }

    /** Rerank requests: {@code {"query", "passages", "topN"}}. */
    static List<Payload> rerank() {
        List<Payload> out = new ArrayList<>(garbage("INVALID_REQUEST"));
        Map<String, JsonNode> wrong = Map.of("number", F.numberNode(5), "boolean", F.booleanNode(true), "array",
                F.arrayNode().add("x"), "object", F.objectNode().put("x", 1));
        for (String field : List.of("query", "passages", "topN")) {
            for (String mutation : List.of("missing", "null", "number", "boolean", "array", "object", "string")) {
                ObjectNode v = rerankRequest("consumer groups", 3, 2);
                if (mutation.equals("missing")) {
                    v.remove(field);
                } else if (mutation.equals("null")) {
                    v.putNull(field);
                } else if (mutation.equals("string")) {
                    v.put(field, "text");
                } else {
                    v.set(field, wrong.get(mutation));
                }
                boolean valid = field.equals("query") && mutation.equals("string")
                        || field.equals("passages") && mutation.equals("array")
                        || field.equals("topN") && mutation.equals("number");
                out.add(new Payload(field + " " + mutation, bytes(v), valid ? OK : "INVALID_REQUEST"));
            }
        }
        out.add(new Payload("query of 8,192 chars", bytes(rerankRequest("q".repeat(8_192), 3, 2)), OK));
        out.add(new Payload("query of 8,193 chars", bytes(rerankRequest("q".repeat(8_193), 3, 2)), "INVALID_REQUEST"));
        out.add(new Payload("100 passages", bytes(rerankRequest("consumer groups", 100, 2)), OK));
        out.add(new Payload("101 passages", bytes(rerankRequest("consumer groups", 101, 2)), "INVALID_REQUEST"));
        out.add(new Payload("no passages", bytes(rerankRequest("consumer groups", 0, 2)), OK));
        ObjectNode longPassage = rerankRequest("consumer groups", 1, 1);
        ((com.fasterxml.jackson.databind.node.ArrayNode) longPassage.get("passages")).add("p".repeat(8_193));
        out.add(new Payload("a passage of 8,193 chars", bytes(longPassage), "INVALID_REQUEST"));
        ObjectNode nullPassage = rerankRequest("consumer groups", 1, 1);
        ((com.fasterxml.jackson.databind.node.ArrayNode) nullPassage.get("passages")).addNull();
        out.add(new Payload("a null passage", bytes(nullPassage), "INVALID_REQUEST"));
        ObjectNode numberPassage = rerankRequest("consumer groups", 1, 1);
        ((com.fasterxml.jackson.databind.node.ArrayNode) numberPassage.get("passages")).add(7);
        out.add(new Payload("a number passage", bytes(numberPassage), "INVALID_REQUEST"));
        for (long topN : new long[] {0, -1, Integer.MIN_VALUE}) {
            out.add(new Payload("topN " + topN, bytes(rerankRequest("consumer groups", 3, 1).put("topN", topN)),
                    "INVALID_REQUEST"));
        }
        out.add(new Payload("topN 1.5", bytes(rerankRequest("consumer groups", 3, 1).put("topN", 1.5)),
                "INVALID_REQUEST"));
        out.add(new Payload("topN above int", bytes(rerankRequest("consumer groups", 3, 1).put("topN", 1L << 40)),
                "INVALID_REQUEST"));
        out.add(new Payload("topN Integer.MAX_VALUE", bytes(rerankRequest("consumer groups", 3, 1)
                .put("topN", Integer.MAX_VALUE)), OK));
        out.add(new Payload("an unknown extra field", bytes(rerankRequest("consumer groups", 3, 1)
                .put("extra", "ignored")), OK));
        for (String t : TEXT_EDGES) {
            out.add(new Payload("query " + t, bytes(rerankRequest(t, 3, 2)), OK));
            ObjectNode p = rerankRequest("consumer groups", 1, 2);
            ((com.fasterxml.jackson.databind.node.ArrayNode) p.get("passages")).add(t);
            out.add(new Payload("passage " + t, bytes(p), OK));
        }
        return Collections.unmodifiableList(out);
    }

    static ObjectNode rerankRequest(String query, int passages, int topN) {
        ObjectNode n = F.objectNode().put("query", query);
        var arr = n.putArray("passages");
        for (int i = 0; i < passages; i++) {
            arr.add("Passage " + i + " about Kafka consumer groups and partitions.");
        }
        return n.put("topN", topN);
    }

    /** Query-embedding requests: {@code {"text", "model"}}. */
    static List<Payload> queryEmbed(String servedModel) {
        List<Payload> out = new ArrayList<>(garbage("INVALID_REQUEST"));
        Map<String, JsonNode> wrong = Map.of("number", F.numberNode(5), "boolean", F.booleanNode(true), "array",
                F.arrayNode().add("x"), "object", F.objectNode().put("x", 1));
        for (String field : List.of("text", "model")) {
            for (String mutation : List.of("missing", "null", "number", "boolean", "array", "object")) {
                ObjectNode v = F.objectNode().put("text", "offshore wind").put("model", servedModel);
                if (mutation.equals("missing")) {
                    v.remove(field);
                } else if (mutation.equals("null")) {
                    v.putNull(field);
                } else {
                    v.set(field, wrong.get(mutation));
                }
                boolean valid = field.equals("model") && (mutation.equals("missing") || mutation.equals("null"));
                out.add(new Payload(field + " " + mutation, bytes(v), valid ? OK : "INVALID_REQUEST"));
            }
        }
        for (String model : List.of("bge-small-en-v1.5-q", "no-such-model", "ALL-MINILM-L6-V2-Q")) {
            out.add(new Payload("model '" + model + "'", bytes(F.objectNode().put("text", "q").put("model", model)),
                    "MODEL_UNAVAILABLE"));
        }
        for (String model : List.of("", " ")) {
            out.add(new Payload("model '" + model + "'", bytes(F.objectNode().put("text", "q").put("model", model)),
                    "INVALID_REQUEST"));
        }
        for (String text : List.of("", " ", "\t\n", "\u3000")) {
            out.add(new Payload("text '" + text.replace("\t", "\\t").replace("\n", "\\n") + "'",
                    bytes(F.objectNode().put("text", text)), "INVALID_REQUEST"));
        }
        out.add(new Payload("text of 2,048 chars", bytes(F.objectNode().put("text", "w ".repeat(1_024))), OK));
        out.add(new Payload("text of 2,049 chars", bytes(F.objectNode().put("text", "w".repeat(2_049))),
                "INVALID_REQUEST"));
        out.add(new Payload("text of 1,500 3-byte chars (4,500 bytes)", bytes(F.objectNode().put("text",
                "語".repeat(1_500))), "INVALID_REQUEST"));
        out.add(new Payload("a 100 KB request", bytes(F.objectNode().put("text", "x").put("pad", "p".repeat(100_000))),
                "INVALID_REQUEST"));
        for (String t : TEXT_EDGES) {
            out.add(new Payload("text " + t, bytes(F.objectNode().put("text", t)), OK));
        }
        return Collections.unmodifiableList(out);
    }
}

package io.kembed.app.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Generates the bad-input suite's change-topic records: malformed and edge-case records, each with what must happen
 * to it (dead-lettered with a given reason, or processed: stored at a version, or applied as a delete). Most cases
 * come from mutating one field of a valid event in every way a producer can get it wrong (missing, null, every
 * wrong JSON type, out of range); the rest are byte-level damage (invalid JSON and UTF-8), text and id edge cases
 * (scripts, control characters, separators, sizes) and key/value mismatches.
 */
final class BadChangeEvents {

    /** Tenant of the cases that must be stored. */
    static final String EDGE_TENANT = "bi-edge";
    /** Tenant of the deletes and tombstones of unknown entities: nothing may ever be stored for it. */
    static final String DELETE_TENANT = "bi-del";

    /** What must happen to a case. */
    sealed interface Expect permits DeadLetter, Stored, Deleted, Rejected {
    }

    /** Refused by the broker when sent (the send fails with this exception): it never reaches the worker. */
    record Rejected(String exception) implements Expect {
    }

    /** Goes to the dead-letter topic with this {@code kembed.dlq.reason}. */
    record DeadLetter(String reason) implements Expect {
    }

    /** Processed: the entity is stored (searchable) at this version. */
    record Stored(EntityKey entity, long version) implements Expect {
    }

    /** Processed as a delete (of an entity in {@link #DELETE_TENANT}): not dead-lettered, nothing stored. */
    record Deleted() implements Expect {
    }

    /**
     * One raw record.
     *
     * @param name what is wrong or special about it
     * @param category group for the report (json, field, key, text, tenant, tags, unicode, ...)
     * @param value null for a tombstone
     */
    record Case(String name, String category, String topic, byte[] key, byte[] value, Expect expect) {

        String expectLabel() {
            return expect instanceof DeadLetter d ? d.reason() : expect instanceof Stored ? "STORED"
                    : expect instanceof Rejected r ? "rejected by the broker: " + r.exception() : "DELETED";
        }
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final TopicNames topics;
    private final List<Case> cases = new ArrayList<>();
    private int next;

    private BadChangeEvents(TopicNames topics) {
        this.topics = topics;
    }

    static List<Case> generate(TopicNames topics) {
        BadChangeEvents g = new BadChangeEvents(topics);
        g.json();
        g.fields("contact.v1", "contactId", List.of("name", "company", "title", "notes"));
        g.fields("document.v1", "documentId", List.of("title", "body", "url", "lang"));
        g.schemasAndOps();
        g.keys();
        g.texts();
        g.unicode();
        g.tenants();
        g.tags();
        g.deletes();
        return Collections.unmodifiableList(g.cases);
    }

    // ---- building blocks

    private String nextId() {
        return "case-" + (next++);
    }

    private static ObjectNode contact(String tenant, String id, long version, String notes) {
        ObjectNode n = F.objectNode();
        n.put("schema", "contact.v1").put("op", "upsert").put("tenantId", tenant).put("contactId", id)
                .put("version", version).put("occurredAt", "2026-01-01T00:00:00Z").put("name", "Person " + id)
                .put("company", "Acme").put("title", "Engineer").put("notes", notes);
        n.putArray("tags").add("edge");
        return n;
    }

    private static ObjectNode document(String tenant, String id, long version, String body) {
        ObjectNode n = F.objectNode();
        n.put("schema", "document.v1").put("op", "upsert").put("tenantId", tenant).put("documentId", id)
                .put("version", version).put("occurredAt", "2026-01-01T00:00:00Z").put("title", "Doc " + id)
                .put("body", body).put("url", "https://example.org/" + id).put("lang", "en");
        return n;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return ChangeEventCodec.mapper().writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] key(EntityKey k) {
        return utf8(k.toKafkaKey());
    }

    private void add(String name, String category, String topic, byte[] key, byte[] value, Expect expect) {
        cases.add(new Case(name, category, topic, key, value, expect));
    }

    /** A contact in the edge tenant whose key matches, with this value, expected to be dead-lettered. */
    private void badContact(String name, String category, byte[] value, String reason) {
        // the key names the value's own contact where the value has one, so that only the intended fault differs
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"contactId\":\"(case-[0-9]+)\"")
                .matcher(new String(value, StandardCharsets.ISO_8859_1));
        String id = m.find() ? m.group(1) : nextId();
        add(name, category, topics.contacts(), key(EntityKey.contact(EDGE_TENANT, id)), value, new DeadLetter(reason));
    }

    private void storedContact(String name, String category, ObjectNode value) {
        EntityKey k = EntityKey.contact(value.get("tenantId").asText(), value.get("contactId").asText());
        add(name, category, topics.contacts(), key(k), bytes(value), new Stored(k, value.get("version").asLong()));
    }

    // ---- the cases

    /** Byte-level garbage and JSON that is not an event object. */
    private void json() {
        List<String> garbage = List.of("", " ", "{", "}", "{oops", "[]", "[1,2]", "null", "42", "true", "\"text\"",
                "{\"schema\":", "{\"schema\":\"contact.v1\"", "{'schema':'contact.v1'}", "{schema:\"contact.v1\"}",
                "{\"a\":1}}", "{\"a\":1,}", "{\"a\":NaN}", "<xml/>", "schema=contact.v1", "\u00ef\u00bb\u00bf{}",
                "{\"a\":\"unterminated}", "{\"a\":\"bad escape \\q\"}", "{\"a\":01}", "{\"a\":1}{\"b\":2}");
        for (String g : garbage) {
            // none of these is exactly one JSON object (trailing tokens count as bad JSON)
            badContact("json: " + printable(g), "invalid JSON", utf8(g), "BAD_JSON");
        }
        badContact("json: {} (no schema)", "invalid JSON", utf8("{}"), "MISSING_FIELD");
        // raw control characters inside a JSON string are not JSON
        for (char c : new char[] {'\u0000', '\u0001', '\n', '\t', '\u001f'}) {
            String v = new String(bytes(contact(EDGE_TENANT, "raw-" + (int) c, 1, "X")), StandardCharsets.UTF_8)
                    .replace("\"X\"", "\"a" + c + "b\"");
            badContact("json: raw U+" + String.format("%04X", (int) c) + " in a string", "invalid JSON", utf8(v),
                    "BAD_JSON");
        }
        // invalid UTF-8 inside an otherwise valid event
        byte[][] damage = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80,
                (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        for (byte[] d : damage) {
            String id = nextId();
            byte[] v = bytes(contact(EDGE_TENANT, id, 1, "MARK"));
            String s = new String(v, StandardCharsets.ISO_8859_1);
            int at = s.indexOf("MARK");
            byte[] out = new byte[v.length + d.length];
            System.arraycopy(v, 0, out, 0, at);
            System.arraycopy(d, 0, out, at, d.length);
            System.arraycopy(v, at, out, at + d.length, v.length - at);
            add("utf-8: bytes " + hex(d) + " in notes", "invalid UTF-8", topics.contacts(),
                    key(EntityKey.contact(EDGE_TENANT, id)), out, new DeadLetter("BAD_JSON"));
        }
        // a value cut short inside a multi-byte character
        byte[] cjk = bytes(contact(EDGE_TENANT, nextId(), 1, "日本語"));
        int cut = new String(cjk, StandardCharsets.ISO_8859_1).indexOf("\u00e6\u0097\u00a5") + 1;
        badContact("utf-8: value truncated inside a character", "invalid UTF-8",
                java.util.Arrays.copyOf(cjk, cut), "BAD_JSON");
    }

    /** Every required field missing, null and of each wrong JSON type; every text field of each wrong type. */
    private void fields(String schema, String idField, List<String> textFields) {
        boolean isContact = schema.startsWith("contact");
        String topic = isContact ? topics.contacts() : topics.documents();
        Map<String, JsonNode> wrong = Map.of("number", F.numberNode(7), "boolean", F.booleanNode(true), "array",
                F.arrayNode().add("x"), "object", F.objectNode().put("x", 1));
        for (String field : List.of("op", "tenantId", idField, "version")) {
            for (String mutation : List.of("missing", "null", "number", "boolean", "array", "object")) {
                String id = nextId();
                ObjectNode v = isContact ? contact(EDGE_TENANT, id, 1, "Text.") : document(EDGE_TENANT, id, 1, "Text.");
                String reason;
                if (mutation.equals("missing")) {
                    v.remove(field);
                    reason = "MISSING_FIELD";
                } else if (mutation.equals("null")) {
                    v.putNull(field);
                    reason = "MISSING_FIELD";
                } else if (field.equals("version") && mutation.equals("number")) {
                    v.put(field, 1.5); // a float is the wrong number type for a version
                    reason = "WRONG_TYPE";
                } else {
                    v.set(field, wrong.get(mutation));
                    reason = "WRONG_TYPE";
                }
                EntityKey k = isContact ? EntityKey.contact(EDGE_TENANT, id) : EntityKey.document(EDGE_TENANT, id);
                add(schema + " " + field + " " + mutation, "wrong type / missing id", topic, key(k), bytes(v),
                        new DeadLetter(reason));
            }
        }
        for (String field : textFields) {
            for (String mutation : List.of("number", "boolean", "array", "object")) {
                String id = nextId();
                ObjectNode v = isContact ? contact(EDGE_TENANT, id, 1, "Text.") : document(EDGE_TENANT, id, 1, "Text.");
                v.set(field, wrong.get(mutation));
                EntityKey k = isContact ? EntityKey.contact(EDGE_TENANT, id) : EntityKey.document(EDGE_TENANT, id);
                add(schema + " " + field + " " + mutation, "wrong type / missing id", topic, key(k), bytes(v),
                        new DeadLetter("WRONG_TYPE"));
            }
        }
        // out-of-range versions and timestamps
        String topicOf = topic;
        Object[][] values = {{"version", F.numberNode(-1L), "INVALID_VALUE"},
            {"version", F.numberNode(new java.math.BigInteger("100000000000000000000")), "WRONG_TYPE"},
            {"version", F.textNode("3"), "WRONG_TYPE"}, {"occurredAt", F.textNode("yesterday"), "INVALID_VALUE"},
            {"occurredAt", F.booleanNode(false), "WRONG_TYPE"}};
        for (Object[] row : values) {
            String id = nextId();
            ObjectNode v = isContact ? contact(EDGE_TENANT, id, 1, "Text.") : document(EDGE_TENANT, id, 1, "Text.");
            v.set((String) row[0], (JsonNode) row[1]);
            EntityKey k = isContact ? EntityKey.contact(EDGE_TENANT, id) : EntityKey.document(EDGE_TENANT, id);
            add(schema + " " + row[0] + " = " + row[1], "out of range", topicOf, key(k), bytes(v),
                    new DeadLetter((String) row[2]));
        }
    }

    private void schemasAndOps() {
        for (String schema : List.of("contact.v2", "document.v0", "", "CONTACT.V1", "order.v1", "contact.v1 ",
                "contact")) {
            String id = nextId();
            ObjectNode v = contact(EDGE_TENANT, id, 1, "Text.");
            v.put("schema", schema);
            badContact("schema '" + schema + "'", "unknown op or schema", bytes(v), "UNKNOWN_SCHEMA");
        }
        for (String op : List.of("merge", "", "UPSERT", "Delete", "insert", " upsert")) {
            ObjectNode v = contact(EDGE_TENANT, nextId(), 1, "Text.");
            v.put("op", op);
            badContact("op '" + op + "'", "unknown op or schema", bytes(v), "INVALID_VALUE");
        }
        // a contact event sent to the documents topic is still decoded by its schema: processed correctly
        String id = nextId();
        EntityKey k = EntityKey.contact(EDGE_TENANT, id);
        add("contact event on the documents topic", "unknown op or schema", topics.documents(), key(k),
                bytes(contact(EDGE_TENANT, id, 1, "Filed on the wrong topic.")), new Stored(k, 1));
    }

    /** Record keys that are absent, malformed, or name another entity than the value. */
    private void keys() {
        String id = nextId();
        byte[] value = bytes(contact(EDGE_TENANT, id, 1, "Key trouble."));
        // compacted topics refuse records without a key at the broker
        add("key absent (null)", "key/value mismatch", topics.contacts(), null, value,
                new Rejected("InvalidRecordException"));
        for (String k : List.of("", "no-slashes", "a/b", "a/person/x", EDGE_TENANT + "/contact/" + id + "/extra",
                "a%ZZ/contact/x", EDGE_TENANT + "/contact/" + id + "%")) {
            add("key '" + k + "'", "key/value mismatch", topics.contacts(), utf8(k), value, new DeadLetter("BAD_KEY"));
        }
        // well-formed keys with a blank part parse, and then do not name the value's entity
        for (String k : List.of(EDGE_TENANT + "/contact/", "/contact/" + id)) {
            add("key '" + k + "'", "key/value mismatch", topics.contacts(), utf8(k), value,
                    new DeadLetter("KEY_MISMATCH"));
        }
        add("key not valid UTF-8", "key/value mismatch", topics.contacts(), new byte[] {(byte) 0xC3, 0x28}, value,
                new DeadLetter("BAD_KEY"));
        add("key names another id", "key/value mismatch", topics.contacts(),
                key(EntityKey.contact(EDGE_TENANT, id + "-other")), value, new DeadLetter("KEY_MISMATCH"));
        add("key names another tenant", "key/value mismatch", topics.contacts(),
                key(EntityKey.contact("bi-other", id)), value, new DeadLetter("KEY_MISMATCH"));
        add("key names a document", "key/value mismatch", topics.contacts(),
                key(EntityKey.document(EDGE_TENANT, id)), value, new DeadLetter("KEY_MISMATCH"));
        add("key differs in case", "key/value mismatch", topics.contacts(),
                key(EntityKey.contact(EDGE_TENANT.toUpperCase(java.util.Locale.ROOT), id)), value,
                new DeadLetter("KEY_MISMATCH"));
    }

    /** Empty, blank, at-limit and over-limit text; NUL and other control characters inside text. */
    private void texts() {
        for (String blank : List.of("", " ", "\t\n", "\u3000")) {
            ObjectNode v = contact(EDGE_TENANT, nextId(), 1, blank);
            v.remove(List.of("name", "company", "title", "tags"));
            badContact("contact with only text '" + printable(blank) + "'", "empty text", bytes(v), "MISSING_FIELD");
        }
        ObjectNode emptyDoc = document(EDGE_TENANT, nextId(), 1, "");
        emptyDoc.put("title", "");
        add("document with empty title and body", "empty text", topics.documents(),
                key(EntityKey.document(EDGE_TENANT, emptyDoc.get("documentId").asText())), bytes(emptyDoc),
                new DeadLetter("MISSING_FIELD"));
        // name only is enough text
        ObjectNode nameOnly = contact(EDGE_TENANT, nextId(), 1, "x");
        nameOnly.remove(List.of("company", "title", "tags", "notes"));
        storedContact("contact with a name only", "empty text", nameOnly);
        // sizes around the 256 KiB text limit; the 3 MiB record still fits the 4 MiB topic limit
        int limit = 256 * 1024;
        String filler = "word ";
        String atLimit = filler.repeat(limit / filler.length() - 100); // the other fields take the last bytes
        storedContact("text just under 256 KiB (truncated to the model's 256 tokens)", "large text",
                contact(EDGE_TENANT, nextId(), 1, atLimit));
        badContact("text of 256 KiB + 1 byte", "large text", bytes(contact(EDGE_TENANT, nextId(), 1,
                "y".repeat(limit + 1))), "TEXT_TOO_LARGE");
        badContact("text of 300 KiB", "large text", bytes(contact(EDGE_TENANT, nextId(), 1,
                "z".repeat(300 * 1024))), "TEXT_TOO_LARGE");
        badContact("text of 3 MiB", "large text", bytes(contact(EDGE_TENANT, nextId(), 1,
                "w".repeat(3 * 1024 * 1024))), "TEXT_TOO_LARGE");
        badContact("text of 200k 2-byte chars (400 KB UTF-8, under 256 Ki chars)", "large text",
                bytes(contact(EDGE_TENANT, nextId(), 1, "é".repeat(200_000))), "TEXT_TOO_LARGE");
        // NUL and control characters escaped in JSON are legal text: embedded
        for (String t : List.of("a\u0000b", "\u0000", "tab\there", "bell\u0007", "del\u007f", "nel\u0085",
                "line\u2028sep", "bom\ufeffinside", "zero\u200bwidth")) {
            storedContact("notes with " + printable(t), "NUL / control in text", contact(EDGE_TENANT, nextId(), 1, t));
        }
        // a lone surrogate escaped in JSON decodes to a Java string; embedding replaces it
        ObjectNode lone = contact(EDGE_TENANT, nextId(), 1, "x");
        String s = new String(bytes(lone), StandardCharsets.UTF_8).replace("\"notes\":\"x\"",
                "\"notes\":\"half \\ud800 pair\"");
        EntityKey loneKey = EntityKey.contact(EDGE_TENANT, lone.get("contactId").asText());
        add("notes with a lone surrogate \\ud800", "NUL / control in text", topics.contacts(), key(loneKey), utf8(s),
                new Stored(loneKey, 1));
    }

    /** Emoji, right-to-left, CJK, combining marks and mixed scripts: all embedded. */
    private void unicode() {
        List<String> texts = List.of("😀🚀🎉", "👩‍👩‍👧‍👦 family", "🏳️‍🌈 flag", "Ⅻ ℕ ∑ ∞",
                "مرحبا بالعالم", "שלום עולם", "English then عربي then English", "\u202eRTL override\u202c",
                "日本語のテキスト", "中文文本测试", "한국어 텍스트", "ไทย", "देवनागरी", "Ελληνικά", "Кириллица",
                "e\u0301\u0301\u0301 combining", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "\ud835\udd4f\ud835\udd50 math", "ﷺ ﷽", "𓀀𓀁 hieroglyphs");
        for (String t : texts) {
            storedContact("contact notes " + printable(t), "emoji / RTL / CJK", contact(EDGE_TENANT, nextId(), 1, t));
            String id = nextId();
            EntityKey k = EntityKey.document(EDGE_TENANT, id);
            add("document body " + printable(t), "emoji / RTL / CJK", topics.documents(), key(k),
                    bytes(document(EDGE_TENANT, id, 1, t)), new Stored(k, 1));
        }
        // non-ASCII ids round-trip through the percent-encoded key
        for (String id : List.of("ид-1", "身份-2", "😀-3", "id with spaces", "a%2Fb")) {
            storedContact("contact id '" + id + "'", "emoji / RTL / CJK", contact(EDGE_TENANT, id, 1, "Unicode id."));
        }
    }

    /** Tenant ids with separators (processed, kept apart) and control characters or bad sizes (dead-lettered). */
    private void tenants() {
        for (String t : List.of("bi/slash", "bi:colon", "bi%2Fpct", "bi\\back", "bi.dot", "bi*star", "bi edge",
                "bi\u2028ls", "бі-кирилл", "bi#hash", "bi?q=1", "bi;drop", "x".repeat(256))) {
            storedContact("tenant '" + printable(t.length() > 40 ? t.substring(0, 10) + "...(" + t.length() + ")" : t)
                    + "'", "tenant ids", contact(t, nextId(), 1, "Tenant edge."));
        }
        for (String t : List.of("bi\u0000nul", "bi\nnl", "bi\rcr", "bi\ttab", "bi\u001besc", "bi\u007fdel",
                "bi\u0085nel", "bi\u009fc1", "x".repeat(257), "\u0000")) {
            String id = nextId();
            add("tenant '" + printable(t.length() > 40 ? "x...(" + t.length() + ")" : t) + "'", "tenant ids",
                    topics.contacts(), key(EntityKey.contact(t, id)), bytes(contact(t, id, 1, "Bad tenant.")),
                    new DeadLetter("INVALID_VALUE"));
        }
        for (String t : List.of("", " ", "\u3000")) {
            String id = nextId();
            add("tenant '" + printable(t) + "'", "tenant ids", topics.contacts(),
                    utf8(t.isEmpty() ? "/contact/" + id : EntityKey.contact(t, id).toKafkaKey()),
                    bytes(contact(t, id, 1, "Blank tenant.")), new DeadLetter("MISSING_FIELD"));
        }
    }

    private void tags() {
        for (int n : new int[] {0, 1, 255, 256}) {
            ObjectNode v = contact(EDGE_TENANT, nextId(), 1, "Tagged.");
            var arr = v.putArray("tags");
            for (int i = 0; i < n; i++) {
                arr.add("t" + i);
            }
            storedContact(n + " tags", "huge tag arrays", v);
        }
        for (int n : new int[] {257, 10_000, 100_000}) {
            ObjectNode v = contact(EDGE_TENANT, nextId(), 1, "Tagged.");
            var arr = v.putArray("tags");
            for (int i = 0; i < n; i++) {
                arr.add("t" + i);
            }
            badContact(n + " tags", "huge tag arrays", bytes(v), "INVALID_VALUE");
        }
        ObjectNode nullTag = contact(EDGE_TENANT, nextId(), 1, "Tagged.");
        nullTag.putArray("tags").add("ok").addNull();
        badContact("a null tag", "huge tag arrays", bytes(nullTag), "INVALID_VALUE");
        ObjectNode numTag = contact(EDGE_TENANT, nextId(), 1, "Tagged.");
        numTag.putArray("tags").add(5);
        badContact("a number tag", "huge tag arrays", bytes(numTag), "WRONG_TYPE");
        ObjectNode nested = contact(EDGE_TENANT, nextId(), 1, "Tagged.");
        nested.putArray("tags").addArray().add("deep");
        badContact("a nested array tag", "huge tag arrays", bytes(nested), "WRONG_TYPE");
    }

    /** Deletes and tombstones of entities never stored, and tombstones with bad keys. */
    private void deletes() {
        for (int i = 0; i < 4; i++) {
            EntityKey k = i % 2 == 0 ? EntityKey.contact(DELETE_TENANT, nextId()) : EntityKey.document(DELETE_TENANT,
                    nextId());
            add("tombstone of an unknown " + k.type(), "tombstones", topics.changes(k.type()), key(k), null,
                    new Deleted());
        }
        for (int i = 0; i < 3; i++) {
            String id = nextId();
            ObjectNode del = F.objectNode().put("schema", "contact.v1").put("op", "delete").put("tenantId", DELETE_TENANT)
                    .put("contactId", id).put("version", 3 + i);
            add("op=delete of an unknown contact, no text", "tombstones", topics.contacts(),
                    key(EntityKey.contact(DELETE_TENANT, id)), bytes(del), new Deleted());
        }
        add("tombstone with a key without slashes", "tombstones", topics.contacts(), utf8("garbage"), null,
                new DeadLetter("BAD_KEY"));
        add("tombstone with no key", "tombstones", topics.contacts(), null, null,
                new Rejected("InvalidRecordException"));
        add("tombstone whose tenant has a control character", "tombstones", topics.contacts(),
                key(EntityKey.contact("bi\u0001", nextId())), null, new DeadLetter("INVALID_VALUE"));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\ufeff' || c == '\u200b' || c == '\u202e'
                    || c == '\u202c' || c == '\u3000' || Character.isSurrogate(c) && !isPaired(s, i)) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (c == '|') {
                b.append("\\|");
            } else {
                b.append(c);
            }
        }
        return b.length() > 48 ? b.substring(0, 48) + "…" : b.toString();
    }

    private static boolean isPaired(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String hex(byte[] d) {
        StringBuilder b = new StringBuilder();
        for (byte x : d) {
            b.append(String.format("%02X", x & 0xff));
        }
        return b.toString();
    }
}

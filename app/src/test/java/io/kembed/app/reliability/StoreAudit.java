package io.kembed.app.reliability;

import io.kembed.app.reliability.SourceLedger.Expected;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.Op;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorStore;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares a vector store with what a fault scenario published ({@link SourceLedger}) and counts what differs:
 * <ul>
 *   <li><b>lost</b>: a live entity with no point in the store;</li>
 *   <li><b>duplicated</b>: a point beyond one per (entity, chunk), a chunk beyond the expected one (every text of the
 *       suite is one chunk), a point of an entity never published, and (with {@link #vectorsTopicDuplicates}) an
 *       (entity, version) that the embed workers committed twice to the vectors topic;</li>
 *   <li><b>stale</b>: a live entity stored with another text or outside its accepted versions, a deleted entity
 *       that still has points, or whose delete marker is not at the delete's version.</li>
 * </ul>
 * Every figure is counted from the store and the topic, none is assumed.
 */
final class StoreAudit {

    private StoreAudit() {
    }

    /**
     * @param lost live entities missing from the store
     * @param duplicated points or records beyond the expected ones
     * @param stale entities whose stored state is not their latest
     * @param points points in the store for the audited tenants
     * @param examples up to 10 differences, for the assertion message
     */
    record Result(int entities, int live, int deleted, long points, long lost, long duplicated, long stale,
            List<String> examples) {

        boolean clean() {
            return lost == 0 && duplicated == 0 && stale == 0;
        }

        Result plusDuplicates(long n, String what) {
            List<String> ex = new ArrayList<>(examples);
            if (n > 0) {
                ex.add(n + " " + what);
            }
            return new Result(entities, live, deleted, points, lost, duplicated + n, stale, ex);
        }

        /** Writes the audit's counts into a scenario report. */
        ReliabilityReport into(ReliabilityReport report) {
            return report.lost(lost).duplicated(duplicated).stale(stale).figure("entities", entities)
                    .figure("live", live).figure("deleted", deleted).figure("points", points);
        }
    }

    /** Audits every entity of {@code ledger} against {@code store}. */
    static Result audit(SourceLedger ledger, VectorStore store) {
        Map<EntityKey, Expected> expected = ledger.expected();
        Set<String> tenants = new TreeSet<>();
        expected.keySet().forEach(k -> tenants.add(k.tenantId()));
        float[] probe = new float[store.dims()];
        probe[0] = 1f;
        Map<EntityKey, List<SearchHit>> hits = new HashMap<>();
        long points = 0;
        for (String tenant : tenants) {
            long count = store.count(tenant);
            points += count;
            // k above the tenant's point count: the whole tenant, every point once (exact search under the filter)
            for (SearchHit h : store.search(tenant, probe, (int) count + 100)) {
                hits.computeIfAbsent(h.entity(), e -> new ArrayList<>()).add(h);
            }
        }
        Map<EntityKey, Long> stored = store.storedVersions(expected.keySet());
        long lost = 0;
        long duplicated = 0;
        long stale = 0;
        int live = 0;
        List<String> examples = new ArrayList<>();
        for (Expected e : expected.values()) {
            List<SearchHit> h = hits.getOrDefault(e.key(), List.of());
            if (e.deleted()) {
                Long marker = stored.get(e.key());
                if (!h.isEmpty() || marker == null || marker != e.latestVersion()) {
                    stale++;
                    example(examples, "deleted " + e.key() + " at v" + e.latestVersion() + ": " + h.size()
                            + " points, marker v" + marker);
                }
                continue;
            }
            live++;
            if (h.isEmpty()) {
                lost++;
                example(examples, "lost " + e.key() + " (latest v" + e.latestVersion() + ")");
                continue;
            }
            Set<Integer> chunks = new HashSet<>();
            long extra = 0;
            for (SearchHit hit : h) {
                if (!chunks.add(hit.chunk()) || hit.chunk() != 0) {
                    extra++;
                }
            }
            if (extra > 0) {
                duplicated += extra;
                example(examples, "duplicated " + e.key() + ": " + h.size() + " points, chunks " + chunks);
            }
            SearchHit first = h.stream().filter(x -> x.chunk() == 0).findFirst().orElse(h.get(0));
            boolean versionOk = first.version() >= e.minVersion() && first.version() <= e.latestVersion();
            boolean sameVersion = h.stream().allMatch(x -> x.version() == first.version());
            if (!versionOk || !sameVersion || !e.title().equals(first.title())) {
                stale++;
                example(examples, "stale " + e.key() + ": stored v" + first.version() + " '" + first.title()
                        + "', expected v" + e.minVersion() + ".." + e.latestVersion() + " '" + e.title() + "'");
            }
        }
        for (Map.Entry<EntityKey, List<SearchHit>> entry : hits.entrySet()) {
            if (!expected.containsKey(entry.getKey())) {
                duplicated += entry.getValue().size();
                example(examples, "unexpected entity " + entry.getKey());
            }
        }
        return new Result(expected.size(), live, expected.size() - live, points, lost, duplicated, stale, examples);
    }

    /**
     * Reads the whole vectors topic as the sink does ({@code read_committed}) and counts records of an (entity,
     * version) already seen: with exactly-once embedding each version is committed once, whatever crashed.
     */
    static long vectorsTopicDuplicates(String bootstrapServers, String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
        Set<String> seen = new HashSet<>();
        long duplicates = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("vectors topic not read to its end in 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue;
                    }
                    EmbeddingRecord rec = EmbeddingRecordCodec.decode(r.value());
                    String id = rec.key() + "@" + rec.version() + (rec.op() == Op.DELETE ? "-" : "+");
                    if (!seen.add(id)) {
                        duplicates++;
                    }
                }
            }
        }
        return duplicates;
    }

    private static void example(List<String> examples, String s) {
        if (examples.size() < 10) {
            examples.add(s);
        }
    }
}

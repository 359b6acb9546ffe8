package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.EntityType;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.SearchHit;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.producer.ChangePublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adding partitions to live change topics (README, "Adding partitions to a live change topic"): the whole pipeline
 * on the embedded KRaft broker with the real model and the Lucene store, 2 partitions grown to 6 while a publisher
 * keeps sending updates and deletes for the same entities, and a second embed worker joins. Keys move to new
 * partitions, whose embed tasks (on the idle second worker) have no state for them and embed their newer events at
 * once, while older events of the same keys still wait behind a backlog in the old partitions; the sink's
 * version-conditional writes must leave the store equal to the latest source state. Without them the test fails
 * (checked by disabling them).
 */
class PartitionGrowthIT {

    private static final int PARTITIONS_BEFORE = 2;
    private static final int PARTITIONS_AFTER = 6;
    private static final String TENANT = "t-grow";
    private static final int CONTACTS = 200;
    private static final int DOCUMENTS = 100;
    private static final String FILLER_TENANT = "t-filler";
    /** Enough contacts to keep the model busy for several seconds on two cores while the groups rebalance. */
    private static final int FILLER = 1_500;

    private Path work;
    private BiEncoder encoder;
    private LocalPipeline pipeline;
    private Map<String, Object> kafka;
    private EmbedWorker second;

    @BeforeEach
    void start() throws java.io.IOException {
        work = Files.createTempDirectory("kembed-partition-growth-it");
        encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.forWorker(ModelRegistry.get("all-minilm-l6-v2-q"))
                        .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        // Every client refreshes its metadata each 500 ms (default 5 min), so the publisher starts sending to the
        // new partitions, and the embed group notices them, within a second of the change.
        // Small polls: the embed worker's stream thread polls (and so joins the rebalance that creates the new
        // partitions' tasks) between short batches instead of after up to 1,000 queued records.
        kafka = Map.of(ProducerConfig.METADATA_MAX_AGE_CONFIG, "500",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        PipelineOptions options = new PipelineOptions(null, TopicNames.DEFAULT,
                new TopicAdmin.Layout(PARTITIONS_BEFORE, (short) 1), encoder.spec(), work.resolve("lucene"),
                PipelineOptions.defaultCollection(encoder.spec()), work.resolve("state"), kafka);
        pipeline = LocalPipeline.start(options, encoder);
    }

    @AfterEach
    void stop() throws java.io.IOException {
        if (second != null) {
            second.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        Utils.delete(work.toFile());
    }

    @Test
    void addingPartitionsWhileEventsFlow_leavesTheStoreEqualToTheLatestSourceState() throws Exception {
        Source source = new Source(pipeline.publisher(), new Random(42),
                keys -> pipeline.store().storedVersions(keys));
        for (int i = 0; i < CONTACTS; i++) {
            source.upsert(EntityKey.contact(TENANT, "c" + i));
        }
        for (int i = 0; i < DOCUMENTS; i++) {
            source.upsert(EntityKey.document(TENANT, "d" + i));
        }
        source.rounds(2); // more versions and some deletes
        source.flush();
        assertThat(pipeline.awaitDrained(Duration.ofMinutes(5))).as("initial state drained").isTrue();

        // Events keep flowing: a burst of other entities, then one more version of every entity, all on the two
        // old partitions, where they wait behind the burst while the model embeds it.
        publishFiller(source.publisher);
        source.roundAll(0);
        source.flush();

        growTopics();
        // What partitions are added for: a second embed worker joins the group. It takes over new partitions'
        // tasks and embeds their events at once, while the first still works through the old partitions' backlog.
        second = EmbedWorker.start(EmbedWorkerConfig.defaults(pipeline.bootstrapServers(), encoder.spec(),
                work.resolve("state-2")).withKafkaProperties(kafka), encoder, new SimpleMeterRegistry());

        // Newer versions of every entity (1 in 5 a delete) until the publisher sends to the new partitions, then a
        // round more. A moved key's newer version is embedded by a new task with no state for it, while its
        // older version is still queued in its old partition: the sink gets the older one after the newer one.
        int rounds = 0;
        while (source.roundAll(5) == 0) {
            assertThat(++rounds).as("rounds before the publisher sends to the new partitions").isLessThan(50);
            Thread.sleep(200);
        }
        source.rounds(1);
        source.flush();

        assertThat(pipeline.awaitDrained(Duration.ofMinutes(5))).as("pipeline drained").isTrue();
        assertThat(LocalPipeline.awaitCondition(() -> second.metrics().pending() == 0, Duration.ofMinutes(1)))
                .as("second worker's buffer empty").isTrue();
        assertThat(pipeline.awaitDrained(Duration.ofMinutes(1))).as("pipeline drained").isTrue();
        long staleOfTheRace = pipeline.sink().staleSkipped();

        // Whether the race above delivers an older version after a newer one depends on timing, so the test also
        // makes it happen: for moved keys, a newer version through the new partition first, stored, then the
        // version before it on the old partition, as a backlogged old partition delivers it.
        int late = source.lateOlderVersions(pipeline.bootstrapServers(), 20);
        assertThat(late).as("moved keys given a late older version").isPositive();
        assertThat(pipeline.awaitDrained(Duration.ofMinutes(2))).as("pipeline drained after the late versions")
                .isTrue();
        assertThat(LocalPipeline.awaitCondition(() -> second.metrics().pending() == 0, Duration.ofMinutes(1)))
                .as("second worker's buffer empty").isTrue();
        assertThat(pipeline.awaitDrained(Duration.ofMinutes(1))).as("pipeline drained").isTrue();
        System.out.printf("PartitionGrowthIT: %d stale vectors skipped in the race, %d late older versions "
                + "injected, %d stale vectors skipped in all%n", staleOfTheRace, late,
                pipeline.sink().staleSkipped());

        assertThat(eventsOnNewPartitions()).as("events published to the new partitions of the change topics")
                .isPositive();
        Map<EntityKey, Long> latest = source.latestVersions();
        Set<EntityKey> live = source.live();
        assertThat(source.deletedCount()).as("deleted entities in the source").isPositive();

        assertThat(pipeline.store().storedVersions(latest.keySet())).as("stored versions, deletes included")
                .isEqualTo(latest);
        long points = pipeline.store().count(TENANT);
        List<SearchHit> all = pipeline.store().search(TENANT, encoder.embedQuery("works on"), (int) points + 10);
        assertThat(all).hasSize((int) points);
        Map<EntityKey, List<SearchHit>> byEntity = all.stream().collect(Collectors.groupingBy(SearchHit::entity));
        Set<EntityKey> wrong = byEntity.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(h -> h.version() != latest.get(e.getKey())))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        if (!wrong.isEmpty()) {
            System.out.println(history(wrong)); // what the topics carried for them, to tell where it went wrong
        }
        assertThat(byEntity.keySet()).as("stored entities").isEqualTo(live);
        byEntity.forEach((entity, hits) -> {
            assertThat(hits).as("every chunk of %s is of its latest version", entity)
                    .allSatisfy(h -> assertThat(h.version()).isEqualTo(latest.get(entity)));
            assertThat(hits).as("chunks of %s", entity).extracting(SearchHit::chunk)
                    .containsExactlyInAnyOrderElementsOf(range(hits.size()));
            assertThat(hits.get(0).title()).as("title of %s", entity).contains("[v" + latest.get(entity) + "]");
        });
        assertThat(pipeline.store().count(FILLER_TENANT)).isEqualTo(FILLER);
        // The scenario happened: older vectors reached the sink after newer ones, at least the late ones injected
        // (checked last, so that without version-conditional writes the state assertions above are the ones that
        // fail).
        assertThat(pipeline.sink().staleSkipped() - staleOfTheRace)
                .as("late older vectors that reached the sink after newer ones").isGreaterThanOrEqualTo(late);
        assertThat(pipeline.sink().failure()).isNull();
        assertThat(pipeline.worker().isRunning()).isTrue();
        assertThat(second.isRunning()).isTrue();
    }

    /** Contacts of another tenant, one version each, that keep the old partitions' embed tasks busy. */
    private static void publishFiller(ChangePublisher publisher) {
        for (int i = 0; i < FILLER; i++) {
            publisher.publish(ContactEvent.upsert(FILLER_TENANT, "f" + i, 1, "Filler " + i, "Org " + i % 97,
                    "Role " + i % 13, "Busy work item number " + i + " about logistics, ports and rail freight.",
                    null));
        }
    }

    /** Grows the change topics, the vectors topic and the embed application's changelogs in one request. */
    private void growTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()))) {
            // Streams creates its changelogs when it first joins; they must grow with the change topics.
            String appId = pipeline.worker().config().applicationId();
            Set<String> changelogs = Set.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (changelogs.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                changelogs = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                        .filter(t -> t.startsWith(appId + "-") && t.endsWith("-changelog"))
                        .collect(Collectors.toSet());
            }
            assertThat(changelogs).as("the embed application's changelogs").hasSize(2);
            Set<String> topics = new HashSet<>(changelogs);
            topics.addAll(TopicNames.DEFAULT.changeTopics());
            topics.add(TopicNames.DEFAULT.vectors(encoder.spec().id()));
            Map<String, NewPartitions> grow = new HashMap<>();
            topics.forEach(t -> grow.put(t, NewPartitions.increaseTo(PARTITIONS_AFTER)));
            admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
            // The new partitions must be served by their leader before producers send to them (KAFKA-15591).
            TopicAdmin.awaitPartitionsReady(admin, topics, Duration.ofSeconds(60));
        }
    }

    /** Records on the change topics' partitions that did not exist before. */
    private long eventsOnNewPartitions() throws Exception {
        List<TopicPartition> added = new ArrayList<>();
        for (String t : TopicNames.DEFAULT.changeTopics()) {
            for (int p = PARTITIONS_BEFORE; p < PARTITIONS_AFTER; p++) {
                added.add(new TopicPartition(t, p));
            }
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return c.endOffsets(added, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Every record of {@code entities} on the change topics and the vectors topic, in partition order. */
    private String history(Set<EntityKey> entities) {
        Set<String> keys = entities.stream().map(EntityKey::toKafkaKey).collect(Collectors.toSet());
        StringBuilder out = new StringBuilder("PartitionGrowthIT: history of " + keys + "\n");
        List<String> topics = new ArrayList<>(TopicNames.DEFAULT.changeTopics());
        topics.add(TopicNames.DEFAULT.vectors(encoder.spec().id()));
        io.kembed.core.event.ChangeEventCodec codec = new io.kembed.core.event.ChangeEventCodec();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    String k = r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    if (!keys.contains(k)) {
                        continue;
                    }
                    String what;
                    try {
                        if (r.topic().contains(".vectors.")) {
                            var v = io.kembed.core.vector.EmbeddingRecordCodec.decode(r.value());
                            what = v.op() + " v" + v.version() + " chunks=" + v.chunks().size() + " previous="
                                    + v.previousChunkCount() + " embeddedAt=" + v.embeddedAt();
                        } else {
                            var d = codec.decode(k, r.value());
                            what = d.event() == null ? "tombstone" : d.event().op() + " v" + d.event().version();
                        }
                    } catch (RuntimeException e) {
                        what = "undecodable: " + e;
                    }
                    out.append(String.format("  %s-%d@%d ts=%d %s %s%n", r.topic(), r.partition(), r.offset(),
                            r.timestamp(), k, what));
                }
            }
        } catch (RuntimeException e) {
            out.append("  (history incomplete: ").append(e).append(")\n");
        }
        return out.toString();
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /**
     * The upstream application: publishes versioned upserts and deletes and remembers each entity's latest
     * version and whether it is deleted. Every version has its own text, so the embed worker never skips one as
     * unchanged. One document in ten alternates between a long body (several chunks) and a short one, so a stale
     * long version would leave chunks behind.
     */
    private static final class Source {
        private final ChangePublisher publisher;
        private final Random random;
        private final Map<EntityKey, Long> versions = new TreeMap<>(java.util.Comparator.comparing(EntityKey::toString));
        private final Set<EntityKey> deleted = new HashSet<>();
        private final java.util.function.Function<Set<EntityKey>, Map<EntityKey, Long>> storedVersions;

        Source(ChangePublisher publisher, Random random,
                java.util.function.Function<Set<EntityKey>, Map<EntityKey, Long>> storedVersions) {
            this.publisher = publisher;
            this.random = random;
            this.storedVersions = storedVersions;
        }

        CompletableFuture<RecordMetadata> upsert(EntityKey key) {
            long v = versions.merge(key, 1L, Long::sum);
            deleted.remove(key);
            return publisher.publish(event(key, v));
        }

        CompletableFuture<RecordMetadata> delete(EntityKey key) {
            long v = versions.merge(key, 1L, Long::sum);
            deleted.add(key);
            return publisher.publish(key.type() == EntityType.CONTACT
                    ? ContactEvent.delete(key.tenantId(), key.id(), v)
                    : DocumentEvent.delete(key.tenantId(), key.id(), v));
        }

        /**
         * Publishes the next version of every entity: a delete with probability {@code 1 / deleteOneIn} (never
         * when 0), else an upsert.
         *
         * @return how many of them went to partitions added by the test
         */
        long roundAll(int deleteOneIn) throws Exception {
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            for (EntityKey key : new ArrayList<>(versions.keySet())) {
                sent.add(deleteOneIn > 0 && random.nextInt(deleteOneIn) == 0 ? delete(key) : upsert(key));
            }
            publisher.flush();
            long onNew = 0;
            for (CompletableFuture<RecordMetadata> f : sent) {
                if (f.get(30, TimeUnit.SECONDS).partition() >= PARTITIONS_BEFORE) {
                    onNew++;
                }
            }
            return onNew;
        }

        /**
         * For up to {@code max} live keys that moved to a new partition: publishes version v + 2 normally (to the
         * new partition), waits until the store holds it, then sends version v + 1 straight to the key's old
         * partition. The old partition's embed task last saw an older version, so it embeds v + 1 and the sink
         * receives it after v + 2. The latest version stays v + 2.
         *
         * @return how many keys got a late older version
         */
        int lateOlderVersions(String bootstrapServers, int max) throws Exception {
            Map<EntityKey, Long> late = new java.util.LinkedHashMap<>();
            for (EntityKey key : versions.keySet()) {
                byte[] k = key.toKafkaKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int now = Utils.toPositive(Utils.murmur2(k)) % PARTITIONS_AFTER;
                if (!deleted.contains(key) && now >= PARTITIONS_BEFORE && late.size() < max) {
                    late.put(key, versions.get(key) + 1);
                }
            }
            List<CompletableFuture<RecordMetadata>> newer = new ArrayList<>();
            late.forEach((key, v) -> {
                versions.put(key, v); // v + 2 is published by upsert(), v + 1 stays unused until below
                newer.add(upsert(key));
            });
            publisher.flush();
            for (CompletableFuture<RecordMetadata> f : newer) {
                assertThat(f.get(30, TimeUnit.SECONDS).partition()).isGreaterThanOrEqualTo(PARTITIONS_BEFORE);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            Map<EntityKey, Long> expected = new HashMap<>();
            late.keySet().forEach(key -> expected.put(key, versions.get(key)));
            while (!storedVersions.apply(expected.keySet()).equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(storedVersions.apply(expected.keySet())).as("newer versions stored first").isEqualTo(expected);
            io.kembed.core.event.ChangeEventCodec codec = new io.kembed.core.event.ChangeEventCodec();
            try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> raw =
                    new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                            new org.apache.kafka.common.serialization.ByteArraySerializer(),
                            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (Map.Entry<EntityKey, Long> e : late.entrySet()) {
                    byte[] k = e.getKey().toKafkaKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    int old = Utils.toPositive(Utils.murmur2(k)) % PARTITIONS_BEFORE;
                    raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            TopicNames.DEFAULT.changes(e.getKey().type()), old, k,
                            codec.encode(event(e.getKey(), e.getValue())))).get(30, TimeUnit.SECONDS);
                }
            }
            return late.size();
        }

        /** Each round touches about a third of the entities: 1 in 10 of those is deleted, the rest updated. */
        void rounds(int n) {
            List<EntityKey> keys = new ArrayList<>(versions.keySet());
            for (int round = 0; round < n; round++) {
                Collections.shuffle(keys, random);
                for (EntityKey key : keys.subList(0, keys.size() / 3)) {
                    if (random.nextInt(10) == 0) {
                        delete(key);
                    } else {
                        upsert(key);
                    }
                }
            }
        }

        void flush() {
            publisher.flush();
        }

        Map<EntityKey, Long> latestVersions() {
            return Map.copyOf(versions);
        }

        Set<EntityKey> live() {
            Set<EntityKey> out = new HashSet<>(versions.keySet());
            out.removeAll(deleted);
            return out;
        }

        int deletedCount() {
            return deleted.size();
        }

        private static ChangeEvent event(EntityKey key, long v) {
            String id = key.id();
            if (key.type() == EntityType.CONTACT) {
                return ContactEvent.upsert(key.tenantId(), id, v, "Person " + id + " [v" + v + "]", "Org " + id,
                        "Role " + v, "Works on topic " + id + ", revision " + v + ".", null);
            }
            boolean longBody = Integer.parseInt(id.substring(1)) % 10 == 0 && v % 2 == 1;
            String body = longBody
                    ? String.join(" ", Collections.nCopies(90, "Document " + id + " revision " + v
                            + " explains how consumer groups share partitions."))
                    : "Document " + id + " revision " + v + " is short.";
            return DocumentEvent.upsert(key.tenantId(), id, v, "Doc " + id + " [v" + v + "]", body);
        }
    }
}

package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.reembed.Reembed;
import io.kembed.app.reembed.ReembedState;
import io.kembed.app.reembed.ReembedStates;
import io.kembed.app.reembed.ReembedWorkers;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.EmbedMetrics;
import io.kembed.producer.ChangePublisher;
import io.kembed.search.AliasSearch;
import io.kembed.search.BiEncoderQueryEmbedder;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.sink.VectorStores;
import io.kembed.sink.lucene.LuceneAliases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kembed reembed start --tenant T}: one tenant moves to model B while the other tenants stay on the shared
 * alias's model A, on a real KRaft broker, real ONNX models and real Lucene collections. The tenant id has a
 * {@code /}, so its alias is the hashed form and its Kafka keys are percent-encoded. Checks: the new workers embed
 * and store only that tenant (every other tenant's record skipped and counted); its collection ends equal to its
 * latest source state, with updates and deletes that arrived during the replay; searches of the tenant switch
 * model at the cutover and back at the rollback, the other tenant's never; cleanup leaves the shared collection.
 */
class TenantReembedIT {

    private static final String MODEL_A = "all-minilm-l6-v2-q";
    private static final String MODEL_B = "e5-small-v2-q";
    private static final String MOVED = "acme/eu";
    private static final String STAYS = "globex";
    private static final String ALIAS = CollectionNames.DEFAULT_ALIAS;
    private static final int PER_TENANT = 120;

    private TwoModelCluster fx;

    @BeforeEach
    void start() throws Exception {
        fx = new TwoModelCluster("kembed-tenant-reembed-it", MODEL_A, MODEL_B);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static ContactEvent contact(String tenant, int i, long version) {
        return ContactEvent.upsert(tenant, "c" + i, version, "Person " + i + " v" + version, "Company " + i % 7,
                "policy adviser on topic " + i % 11, null, List.of());
    }

    @Test
    void oneTenantMovesToAnotherModel_theOthersStay_cutoverAndRollbackMoveOnlyItsSearches() throws Exception {
        TwoModelCluster.SharedModelA modelA = fx.startModelA("tenant-reembed", 2, ALIAS);
        TopicNames topics = modelA.topics();
        Path lucene = modelA.lucene();
        LuceneAliases aliases = modelA.aliases();
        VectorStore storeA = modelA.storeA();
        CaffeineSearchCache cache = modelA.cache();
        Reembed shared = modelA.reembed();
        ReembedWorkers workersA = modelA.workersA();
        ChangePublisher publisher = modelA.publisher();
        Map<String, Map<Integer, Long>> versions = Map.of(MOVED, new HashMap<>(), STAYS, new HashMap<>());
        for (String tenant : List.of(MOVED, STAYS)) {
            for (int i = 0; i < PER_TENANT; i++) {
                publisher.publish(contact(tenant, i, 1));
                versions.get(tenant).put(i, 1L);
            }
        }
        publisher.flush();
        assertThat(LocalPipeline.awaitCondition(() -> workersA.isDrained(fx.admin)
                && storeA.count(MOVED) == PER_TENANT && storeA.count(STAYS) == PER_TENANT, Duration.ofMinutes(3)))
                .as("model A drained").isTrue();

        Map<String, VectorStore> stores = new HashMap<>(Map.of(storeA.collection(), storeA));
        AliasSearch search = fx.owned(new AliasSearch(aliases, ALIAS, collection -> SearchClient.builder(
                stores.get(collection), new BiEncoderQueryEmbedder(
                        collection.equals(storeA.collection()) ? fx.encoderA : fx.encoderB))
                .cache(cache).options(SearchOptions.defaults()).build()));
        assertThat(search.search(MOVED, "policy adviser", 3).modelId()).isEqualTo(MODEL_A);

        // start --tenant: the tenant's own alias and collection, new groups of their own.
        Reembed tenantReembed = fx.owned(new Reembed(fx.kafka.bootstrapServers(), topics, Map.of(), ALIAS, MOVED,
                aliases));
        String tenantAlias = CollectionNames.tenantAlias(ALIAS, MOVED);
        assertThat(tenantAlias).startsWith(ALIAS + ".h-");
        ReembedState state = tenantReembed.start(MODEL_B);
        assertThat(state.tenant()).isEqualTo(MOVED);
        assertThat(state.scopeAlias()).isEqualTo(tenantAlias);
        assertThat(state.fromCollection()).isEqualTo(storeA.collection());
        assertThat(state.toCollection()).isEqualTo(CollectionNames.of(tenantAlias, MODEL_B));
        assertThat(tenantReembed.newGroups(state).keySet()).doesNotContain(Reembed.embedGroup(MODEL_B),
                Reembed.sinkGroup(ALIAS, MODEL_B));
        assertThat(shared.state()).as("the shared alias has no re-embed").isEmpty();
        assertThatThrownBy(() -> tenantReembed.start(MODEL_B)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RUNNING");

        VectorStore storeB = fx.owned(VectorStores.lucene(lucene, state.toCollection(), 384));
        stores.put(storeB.collection(), storeB);
        ReembedWorkers workersB = fx.owned(ReembedWorkers.start(tenantReembed, state, fx.encoderB, storeB,
                fx.work.resolve("state-b"), new SimpleMeterRegistry(), cache::bumpGenerations));

        // Live changes for both tenants while the tenant replays: updates and deletes.
        long otherTenantRecords = PER_TENANT;
        for (int round = 0; round < 3; round++) {
            for (String tenant : List.of(MOVED, STAYS)) {
                for (int i = round; i < PER_TENANT; i += 10) {
                    long v = versions.get(tenant).merge(i, 1L, Long::sum);
                    publisher.publish(i % 3 == 0 ? ContactEvent.delete(tenant, "c" + i, v) : contact(tenant, i, v));
                    if (tenant.equals(STAYS)) {
                        otherTenantRecords++;
                    }
                }
            }
            publisher.flush();
            Thread.sleep(300);
        }
        assertThat(search.search(MOVED, "policy adviser", 3).modelId()).as("before the cutover").isEqualTo(MODEL_A);

        assertThat(LocalPipeline.awaitCondition(() -> tenantReembed.check(state, 0).isEmpty()
                && workersB.isDrained(fx.admin) && workersA.isDrained(fx.admin), Duration.ofMinutes(3)))
                .as("the tenant's re-embed caught up").isTrue();

        // Only the tenant's records were embedded and stored, each at its latest version, deletes applied.
        Map<EntityKey, Long> latest = new HashMap<>();
        versions.get(MOVED).forEach((i, v) -> latest.put(EntityKey.contact(MOVED, "c" + i), v));
        assertThat(storeB.storedVersions(latest.keySet())).isEqualTo(latest);
        long live = versions.get(MOVED).entrySet().stream()
                .filter(e -> !(e.getValue() > 1 && e.getKey() % 3 == 0)).count();
        assertThat(storeB.count(MOVED)).isEqualTo(live);
        assertThat(storeB.count(STAYS)).as("the other tenant in the tenant's collection").isZero();
        assertThat(workersB.embed().metrics().total(EmbedMetrics.Outcome.OTHER_TENANT))
                .as("other tenants' change records skipped by the tenant's embed worker (a task restart may "
                        + "see some twice)").isGreaterThanOrEqualTo(otherTenantRecords);
        assertThat(storeA.count(MOVED)).as("model A keeps the tenant current for a rollback").isEqualTo(live);

        // Cutover: the tenant's searches go to its collection and model B; the other tenant's stay on A.
        ReembedState cut = tenantReembed.cutover(0);
        assertThat(cut.phase()).isEqualTo(ReembedState.Phase.CUT_OVER);
        assertThat(aliases.resolve(tenantAlias)).contains(storeB.collection());
        assertThat(aliases.resolve(ALIAS)).contains(storeA.collection());
        SearchResult moved = search.search(MOVED, "policy adviser", 5);
        assertThat(moved.modelId()).isEqualTo(MODEL_B);
        assertThat(moved.collection()).isEqualTo(storeB.collection());
        assertThat(moved.hits()).isNotEmpty().allSatisfy(h -> assertThat(h.hit().entity().tenantId()).isEqualTo(MOVED));
        SearchResult stays = search.search(STAYS, "policy adviser", 5);
        assertThat(stays.modelId()).isEqualTo(MODEL_A);
        assertThat(stays.hits()).isNotEmpty().allSatisfy(h -> assertThat(h.hit().entity().tenantId()).isEqualTo(STAYS));
        assertThat(tenantReembed.currentModel().id()).isEqualTo(MODEL_B);
        assertThat(shared.currentModel().id()).isEqualTo(MODEL_A);

        // A cleanup of every tenant's model A must wait while this tenant can still roll back to A's collection:
        // a shared re-embed A -> B, cut over long ago, is refused and drops nothing.
        ReembedStates stateTopic = new ReembedStates(Map.of("bootstrap.servers", fx.kafka.bootstrapServers()),
                topics);
        Instant longAgo = Instant.now().minus(Duration.ofDays(2));
        stateTopic.write(new ReembedState(ALIAS, MODEL_A, MODEL_B, null, longAgo, ReembedState.Phase.CUT_OVER,
                longAgo, null, storeA.collection()));
        assertThatThrownBy(() -> shared.cleanup(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tenant " + MOVED).hasMessageContaining(storeA.collection());
        assertThat(aliases.list()).containsEntry(ALIAS, storeA.collection());
        assertThat(fx.admin.listTopics().names().get()).contains(topics.vectors(MODEL_A));
        assertThat(storeA.count(STAYS)).isPositive();
        try (var raw = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Map.of(
                "bootstrap.servers", fx.kafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.reembeds(), 0,
                    ALIAS.getBytes(java.nio.charset.StandardCharsets.UTF_8), null)).get(); // no shared re-embed again
        }
        assertThat(shared.state()).isEmpty();

        // Rollback: back to the shared collection and model A.
        tenantReembed.rollback();
        assertThat(aliases.resolve(tenantAlias)).contains(storeA.collection());
        assertThat(search.search(MOVED, "policy adviser", 3).modelId()).isEqualTo(MODEL_A);

        // Cutover again, then cleanup: the shared collection is the other tenants', so nothing is dropped.
        tenantReembed.cutover(0);
        ReembedState cleaned = tenantReembed.cleanup(Duration.ZERO);
        assertThat(cleaned.phase()).isEqualTo(ReembedState.Phase.CLEANED_UP);
        assertThat(aliases.list()).containsEntry(ALIAS, storeA.collection())
                .containsEntry(tenantAlias, storeB.collection());
        assertThat(storeA.count(STAYS)).isPositive();
        assertThat(search.search(MOVED, "policy adviser", 3).modelId()).isEqualTo(MODEL_B);
    }
}

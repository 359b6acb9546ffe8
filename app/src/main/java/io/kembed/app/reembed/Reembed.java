package io.kembed.app.reembed;

import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.CollectionAliases;
import io.kembed.core.store.CollectionNames;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.sink.SinkWorkerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Re-embedding an alias's collection with another model while the pipeline runs, as a replay of the compacted
 * change topics. What {@code kembed reembed} wraps, and what the test and the benchmark drive in one JVM.
 *
 * <ol>
 *   <li>{@link #start}: records a {@link ReembedState} ({@code RUNNING}) on {@code <prefix>.reembeds} with the change
 *       topics' end offsets, and creates model M's vectors topic. Model M's embed worker (consumer group
 *       {@code kembed-embed-M}) and sink ({@code kembed-sink-<alias>__M}, into collection {@code <alias>__M}) are
 *       then run by the caller ({@link ReembedWorkers}, or {@code kembed worker embed|sink --model M}
 *       deployments): both new groups start from the beginning, and as the current model's workers keep running,
 *       live changes reach both collections.</li>
 *   <li>{@link #progress}: committed against end offsets of both new groups, per partition.</li>
 *   <li>{@link #cutover}: once {@link #check caught up}, swaps the alias to {@code <alias>__M} atomically.</li>
 *   <li>{@link #rollback}: swaps it back (the old workers kept the old collection current).</li>
 *   <li>{@link #cleanup}: after a grace period from the cutover, drops the old collection, its two consumer groups,
 *       its Streams changelogs and its vectors topic.</li>
 * </ol>
 *
 * <p><b>One tenant</b> ({@code kembed reembed start --tenant T}, {@link #Reembed(String, TopicNames, Map, String,
 * String, CollectionAliases)}): the same steps for the tenant's own alias {@link CollectionNames#tenantAlias}, which
 * searches of that tenant resolve before the shared alias. The new model's embed worker and sink run in their own
 * groups ({@link #embedGroupOf}, {@link #sinkGroupOf}) and pass only the tenant's records, into
 * {@code <tenant alias>__M}; the cutover creates or swaps the tenant's alias, the rollback points it at the
 * collection it named before (the shared one, which the shared model's workers kept current for this tenant too).
 * Cleanup drops the old collection only when it was the tenant's own; the shared one stays for the other tenants.
 *
 * <p>Not thread-safe; each call reads and writes the state record, so calls from several processes (a CLI and a
 * long-running {@code start}) see each other's phase.
 */
public final class Reembed implements AutoCloseable {

    /** Default largest lag of each new group still called caught up: none (see {@link #check}). */
    public static final long DEFAULT_MAX_LAG = 0;

    private final TopicNames topics;
    private final Map<String, Object> clientProperties;
    private final String alias;
    /** The one tenant re-embedded, or null for every tenant. */
    private final String tenant;
    private final CollectionAliases aliases;
    private final Admin admin;
    private final ReembedStates states;
    private final Clock clock;

    /**
     * @param bootstrapServers the cluster
     * @param kafkaProperties further client settings (security), passed through
     * @param alias the alias searches go through
     * @param aliases where the alias lives (the store's); not closed by this object
     */
    public Reembed(String bootstrapServers, TopicNames topics, Map<String, Object> kafkaProperties, String alias,
            CollectionAliases aliases) {
        this(bootstrapServers, topics, kafkaProperties, alias, null, aliases, Clock.systemUTC());
    }

    /**
     * The re-embed of one tenant under {@code alias} (see the class comment).
     *
     * @param tenant the tenant, or null for every tenant
     */
    public Reembed(String bootstrapServers, TopicNames topics, Map<String, Object> kafkaProperties, String alias,
            String tenant, CollectionAliases aliases) {
        this(bootstrapServers, topics, kafkaProperties, alias, tenant, aliases, Clock.systemUTC());
    }

    Reembed(String bootstrapServers, TopicNames topics, Map<String, Object> kafkaProperties, String alias,
            String tenant, CollectionAliases aliases, Clock clock) {
        this.topics = Objects.requireNonNull(topics, "topics");
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.clientProperties = Map.copyOf(props);
        this.alias = CollectionAliases.checkName("alias", alias);
        this.tenant = tenant;
        if (tenant != null) {
            CollectionNames.tenantAlias(alias, tenant); // refuses an empty tenant id before anything is opened
        }
        this.aliases = Objects.requireNonNull(aliases, "aliases");
        this.admin = Admin.create(props);
        this.states = new ReembedStates(clientProperties, topics);
        this.clock = clock;
    }

    /** The embed consumer group (Streams application id) of {@code modelId}: {@code kembed-embed-<model id>}. */
    public static String embedGroup(String modelId) {
        return EmbedWorkerConfig.defaultApplicationId(modelId);
    }

    /** The sink consumer group of {@code modelId}'s collection under {@code alias}. */
    public static String sinkGroup(String alias, String modelId) {
        return SinkWorkerConfig.defaultGroupId(CollectionNames.of(alias, modelId));
    }

    /**
     * The embed consumer group of {@code modelId} in this re-embed's scope: {@link #embedGroup} for every tenant,
     * {@code kembed-embed-<model id>--<tenant alias>} for one.
     */
    public String embedGroupOf(String modelId) {
        return tenant == null ? embedGroup(modelId) : embedGroup(modelId) + "--" + scopeAlias();
    }

    /** The sink consumer group of {@code modelId}'s collection under this re-embed's alias. */
    public String sinkGroupOf(String modelId) {
        return sinkGroup(scopeAlias(), modelId);
    }

    public String alias() {
        return alias;
    }

    /** The one tenant re-embedded, or null for every tenant. */
    public String tenant() {
        return tenant;
    }

    /** The alias this re-embed moves: {@link #alias()}, or the tenant's own ({@link CollectionNames#tenantAlias}). */
    public String scopeAlias() {
        return tenant == null ? alias : CollectionNames.tenantAlias(alias, tenant);
    }

    /**
     * The collection that serves this re-embed's scope now: for a tenant, its own alias's if it has one, else the
     * shared alias's.
     *
     * @throws IllegalStateException if the alias does not exist
     */
    public String currentCollection() {
        List<String> order = tenant == null ? List.of(alias) : List.of(scopeAlias(), alias);
        return aliases.resolveFirst(order).map(Map.Entry::getValue).orElseThrow(() -> new IllegalStateException(
                "alias '" + alias + "' does not exist: nothing is searched through it yet"));
    }

    public TopicNames topics() {
        return topics;
    }

    /** Kafka client settings with {@code bootstrap.servers}. */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /**
     * The model the alias points at now.
     *
     * @throws IllegalStateException if the alias does not exist or does not name a {@code <alias>__<model>}
     *     collection of a registry model
     */
    public ModelSpec currentModel() {
        String collection = currentCollection();
        return CollectionNames.modelOf(collection).orElseThrow(() -> new IllegalStateException("alias '"
                + scopeAlias() + "' points at " + collection + ", which is not <alias>__<registry model>"));
    }

    /** The latest state of this alias's (or tenant's) re-embed, if one was ever started. */
    public java.util.Optional<ReembedState> state() {
        return states.read(scopeAlias());
    }

    /**
     * Starts a re-embed of the alias's collection to {@code toModel}: creates its vectors topic and records the
     * {@code RUNNING} state with the change topics' current end offsets. The workers are the caller's to run.
     *
     * <p>For one tenant, the new collection is {@code <tenant alias>__<toModel>} and the new workers pass only
     * that tenant's records.
     *
     * @throws IllegalArgumentException if {@code toModel} is unknown or is the alias's current model
     * @throws IllegalStateException if another re-embed of the alias (or of the tenant) is running or cut over and
     *     not cleaned up
     */
    public ReembedState start(String toModel) {
        ModelSpec to = ModelRegistry.get(toModel);
        String fromCollection = currentCollection();
        ModelSpec from = currentModel();
        if (from.id().equals(to.id())) {
            throw new IllegalArgumentException("alias '" + scopeAlias() + "' already serves " + to.id());
        }
        TopicAdmin.ensureTopics(admin, topics, layoutOfChangeTopics(), List.of(from.id(), to.id()));
        state().filter(s -> s.phase() == ReembedState.Phase.RUNNING || s.phase() == ReembedState.Phase.CUT_OVER)
                .ifPresent(s -> {
                    throw new IllegalStateException("alias '" + scopeAlias() + "' has a re-embed " + s.fromModel()
                            + " -> "
                            + s.toModel() + " in phase " + s.phase() + "; cut it over and clean it up, or roll it "
                            + "back, first");
                });
        Instant now = clock.instant();
        ReembedState state = new ReembedState(alias, from.id(), to.id(), tenant, now, ReembedState.Phase.RUNNING,
                now, changeTopicEnds(), fromCollection);
        states.write(state);
        return state;
    }

    /** The groups of {@code state}'s new model and the topics they read. */
    public Map<String, Collection<String>> newGroups(ReembedState state) {
        Map<String, Collection<String>> groups = new LinkedHashMap<>();
        groups.put(embedGroupOf(state.toModel()), topics.changeTopics());
        groups.put(sinkGroupOf(state.toModel()), List.of(topics.vectors(state.toModel())));
        return groups;
    }

    /** Reads the new groups' per-partition progress. */
    public ReembedProgress progress(ReembedState state) {
        return ReembedProgress.read(admin, newGroups(state));
    }

    /**
     * Why {@code state}'s new model has not caught up, or nothing if it has: the new embed group has committed past
     * the change topics' end offsets of the start (the replay is done), and both new groups lag by at most
     * {@code maxLag} records.
     */
    public List<String> check(ReembedState state, long maxLag) {
        ReembedProgress p = progress(state);
        List<String> reasons = new ArrayList<>();
        String embed = embedGroupOf(state.toModel());
        if (!p.reached(embed, state.startOffsets())) {
            reasons.add("the replay is not done: " + embed + " has not read the change topics up to where they "
                    + "ended at the start (" + p.committed(embed) + " of " + sum(state.startOffsets()) + " records)");
        }
        for (String g : newGroups(state).keySet()) {
            if (p.lag(g) > maxLag) {
                reasons.add(g + " lags by " + p.lag(g) + " records (at most " + maxLag + " allowed)");
            }
        }
        return reasons;
    }

    /**
     * Points the alias at the new model's collection, once caught up.
     *
     * @param maxLag largest lag of each new group accepted
     * @throws IllegalStateException if no re-embed is running or rolled back, or the new model has not caught up
     *     (the message says why)
     */
    public ReembedState cutover(long maxLag) {
        ReembedState s = requirePhase(ReembedState.Phase.RUNNING, ReembedState.Phase.ROLLED_BACK);
        List<String> behind = check(s, maxLag);
        if (!behind.isEmpty()) {
            throw new IllegalStateException("refusing to cut over " + scopeAlias() + " to " + s.toCollection() + ": "
                    + String.join("; ", behind) + ". Run `kembed reembed status` and try again.");
        }
        aliases.swap(scopeAlias(), s.toCollection());
        ReembedState next = s.withPhase(ReembedState.Phase.CUT_OVER, clock.instant());
        states.write(next);
        return next;
    }

    /**
     * Points the alias back at the old model's collection.
     *
     * @throws IllegalStateException if the re-embed is not cut over (a cleaned-up one cannot roll back)
     */
    public ReembedState rollback() {
        ReembedState s = requirePhase(ReembedState.Phase.CUT_OVER);
        aliases.swap(scopeAlias(), s.fromCollection());
        ReembedState next = s.withPhase(ReembedState.Phase.ROLLED_BACK, clock.instant());
        states.write(next);
        return next;
    }

    /**
     * Drops what the old model left: its collection, its embed and sink consumer groups, its Streams changelog
     * topics and its vectors topic. Its workers must be stopped first, and the store must not hold the
     * collection open. For one tenant: only when the old collection was the tenant's own (then its groups and
     * changelogs, not the model's vectors topic, which other scopes may share); a tenant's first re-embed, whose
     * old vectors are in the shared collection, drops nothing and only records the phase.
     *
     * @param grace how long after the cutover the old model is kept for a rollback
     * @throws IllegalStateException if not cut over, within the grace period, an old group still has members, or
     *     (for every tenant) a tenant's re-embed still needs the old collection or the old model's vectors topic
     *     ({@link ReembedState#dependsOnOldModelOf})
     */
    public ReembedState cleanup(Duration grace) {
        ReembedState s = requirePhase(ReembedState.Phase.CUT_OVER);
        Instant allowed = s.changedAt().plus(grace);
        if (clock.instant().isBefore(allowed)) {
            throw new IllegalStateException("the grace period runs until " + allowed + " (cut over at "
                    + s.changedAt() + ", --grace " + grace + "); until then `kembed reembed rollback` can still "
                    + "switch back");
        }
        if (!s.fromCollectionIsOwn()) {
            // A tenant's first re-embed: its old vectors are in the shared collection, which the other tenants
            // still use and the shared model's workers keep current. Nothing of the tenant's own to drop.
            ReembedState next = s.withPhase(ReembedState.Phase.CLEANED_UP, clock.instant());
            states.write(next);
            return next;
        }
        if (tenant == null) {
            List<String> dependents = states.readAll().values().stream().filter(o -> o.dependsOnOldModelOf(s))
                    .map(o -> "tenant " + o.tenant() + " (" + o.fromModel() + " -> " + o.toModel() + ", "
                            + o.phase() + ")")
                    .sorted().toList();
            if (!dependents.isEmpty()) {
                throw new IllegalStateException("the re-embeds of " + String.join(", ", dependents) + " still use "
                        + s.fromCollection() + " or the " + s.fromModel() + " vectors topic, which this cleanup "
                        + "drops: cut them over and clean them up first (kembed reembed cutover|cleanup --tenant T)");
            }
        }
        List<String> oldGroups = List.of(embedGroupOf(s.fromModel()), sinkGroupOf(s.fromModel()));
        try {
            for (ConsumerGroupDescription d : admin.describeConsumerGroups(oldGroups).all()
                    .get(30, TimeUnit.SECONDS).values()) {
                if (!d.members().isEmpty()) {
                    throw new IllegalStateException("group " + d.groupId() + " still has " + d.members().size()
                            + " member(s): stop the " + s.fromModel() + " workers first");
                }
            }
            aliases.dropCollection(s.fromCollection());
            try {
                admin.deleteConsumerGroups(oldGroups).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            // Exactly the old embed application's changelogs (not those of a tenant application whose id starts
            // with it); the model's vectors topic only when every tenant moved (a tenant's workers share it).
            String appId = embedGroupOf(s.fromModel());
            Set<String> ownTopics = new java.util.HashSet<>(List.of(
                    appId + "-" + io.kembed.embed.stream.EmbedTopology.STATE_STORE + "-changelog",
                    appId + "-" + io.kembed.embed.stream.EmbedTopology.PENDING_STORE + "-changelog"));
            if (tenant == null) {
                ownTopics.add(topics.vectors(s.fromModel()));
            }
            Set<String> drop = existing.stream().filter(ownTopics::contains).collect(Collectors.toSet());
            admin.deleteTopics(drop).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during cleanup", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cleanup failed: " + e.getMessage(), e);
        }
        ReembedState next = s.withPhase(ReembedState.Phase.CLEANED_UP, clock.instant());
        states.write(next);
        return next;
    }

    private ReembedState requirePhase(ReembedState.Phase... phases) {
        ReembedState s = state().orElseThrow(() -> new IllegalStateException("no re-embed of alias '"
                + scopeAlias() + "' was started (kembed reembed start --model M" + (tenant == null ? ""
                        : " --tenant " + tenant) + ")"));
        if (!List.of(phases).contains(s.phase())) {
            throw new IllegalStateException("the re-embed " + s.fromModel() + " -> " + s.toModel() + " of alias '"
                    + alias + "' is " + s.phase() + "; this needs " + List.of(phases));
        }
        return s;
    }

    private TopicAdmin.Layout layoutOfChangeTopics() {
        try {
            var d = admin.describeTopics(List.of(topics.contacts())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topics.contacts());
            return new TopicAdmin.Layout(d.partitions().size(), (short) d.partitions().get(0).replicas().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read " + topics.contacts() + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Long> changeTopicEnds() {
        try {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            admin.describeTopics(topics.changeTopics()).allTopicNames().get(30, TimeUnit.SECONDS).values()
                    .forEach(d -> d.partitions().forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()),
                            OffsetSpec.latest())));
            Map<String, Long> ends = new HashMap<>();
            admin.listOffsets(specs, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp.toString(), info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the change topics' end offsets: " + e.getMessage(), e);
        }
    }

    private static long sum(Map<String, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close();
    }
}

package io.kembed.app.cli;

import io.kembed.app.reembed.DryRun;
import io.kembed.app.reembed.Reembed;
import io.kembed.app.reembed.ReembedProgress;
import io.kembed.app.reembed.ReembedState;
import io.kembed.app.reembed.ReembedWorkers;
import io.kembed.app.reembed.SourceScan;
import io.kembed.app.reembed.StaleVectors;
import io.kembed.core.event.EntityKey;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.CollectionAliases;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed reembed start|status|cutover|rollback|cleanup|stale}: switch the model behind an alias on a live
 * pipeline (see {@link Reembed}). Needs a real cluster ({@code --bootstrap-servers}) and a persistent store.
 */
@Command(name = "reembed", mixinStandardHelpOptions = true,
        description = "Re-embed the alias's collection with another model while the pipeline runs, then switch.",
        subcommands = {ReembedCommand.Start.class, ReembedCommand.Status.class, ReembedCommand.Cutover.class,
            ReembedCommand.Rollback.class, ReembedCommand.Cleanup.class, ReembedCommand.Stale.class})
public final class ReembedCommand {

    /** Options every subcommand shares: cluster, store, alias. */
    static final class Common {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        StoreOptions store;

        @Option(names = "--alias", defaultValue = CollectionNames.DEFAULT_ALIAS,
                description = "Alias searches go through; collections are <alias>__<model> (default: "
                        + "${DEFAULT-VALUE}).")
        String alias;

        @Option(names = "--tenant", paramLabel = "TENANT",
                description = "Re-embed (or show, cut over, roll back, clean up) this tenant only: its own alias "
                        + "<alias>.t-<tenant> (hashed for ids outside [a-zA-Z0-9_-]) and collection, which its "
                        + "searches use before the shared alias. Without it: every tenant of the alias.")
        String tenant;

        Reembed open(CollectionAliases aliases) {
            return new Reembed(kafka.requireBootstrapServers(), kafka.topics(), kafka.clientProperties(), alias,
                    tenant, aliases);
        }

        /**
         * Opens the store's aliases and this alias's (or tenant's) re-embed and runs {@code action} on them; a
         * refusal ({@link IllegalStateException}: nothing started, not caught up, within the grace period, ...) is
         * printed to stderr and exits 1.
         *
         * @return the action's exit code
         */
        int withReembed(Action action) throws Exception {
            try (CollectionAliases aliases = store.aliases(); Reembed reembed = open(aliases)) {
                return action.run(aliases, reembed);
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }

    /** What a subcommand does with the re-embed; returns the exit code. */
    @FunctionalInterface
    interface Action {
        int run(CollectionAliases aliases, Reembed reembed) throws Exception;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Replay the change topics into <alias>__<model> with a new consumer group, while the "
                    + "current model keeps serving; runs the new workers with a progress bar until Ctrl-C.")
    static final class Start implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--model", required = true, description = "The model to re-embed to (see kembed models).")
        String model;

        @Option(names = "--dry-run", description = "Print the entity count, the tokens and a time estimate from "
                + "throughput measured here; change nothing.")
        boolean dryRun;

        @Option(names = "--sample", defaultValue = "256",
                description = "Dry run: texts embedded to measure throughput (default: ${DEFAULT-VALUE}).")
        int sample;

        @Option(names = "--no-run", description = "Record the start and exit: leave the new model's workers to "
                + "`kembed worker embed --model M` and `kembed worker sink --model M --collection <alias>__M`.")
        boolean noRun;

        @Option(names = "--state-dir", defaultValue = "${env:KEMBED_STATE_DIR:-.kembed/streams-state}",
                description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Override
        public Integer call() throws Exception {
            ModelSpec spec = ModelRegistry.get(model);
            PrintStream out = System.out;
            if (dryRun) {
                try (BiEncoder encoder = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec))) {
                    Predicate<String> tenants = common.tenant == null ? t -> true : common.tenant::equals;
                    DryRun.Estimate e = DryRun.estimate(common.kafka.topics(), withBootstrap(common.kafka), tenants,
                            encoder, sample, Runtime.getRuntime().availableProcessors());
                    e.print(out);
                }
                return 0;
            }
            return common.withReembed((aliases, reembed) -> {
                ReembedState state = reembed.start(model);
                out.printf("re-embed of alias %s started: %s -> %s, into collection %s; groups %s%n",
                        state.scopeAlias(), state.fromModel(), state.toModel(), state.toCollection(),
                        reembed.newGroups(state).keySet());
                if (noRun) {
                    String only = state.tenant() == null ? "" : " --tenant '" + state.tenant() + "'";
                    out.printf("run the new model's workers: kembed worker embed --model %s --application-id %s%s; "
                            + "kembed worker sink --model %s --collection %s%s%n", model,
                            reembed.embedGroupOf(model), only, model, state.toCollection(), only);
                    return 0;
                }
                return run(reembed, state, spec, out);
            });
        }

        private int run(Reembed reembed, ReembedState state, ModelSpec spec, PrintStream out) throws Exception {
            PrometheusMeterRegistry registry = OpsOptions.registry("reembed");
            long toReplay = state.startOffsets().values().stream().mapToLong(Long::longValue).sum();
            CountDownLatch stopped = new CountDownLatch(1);
            try (BiEncoder encoder = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec));
                    VectorStore store = common.store.open(state.toCollection(), spec.dims());
                    ReembedWorkers workers = ReembedWorkers.start(reembed, state, encoder, store, stateDir,
                            registry, tenants -> { });
                    ProgressBar bar = Bars.create("Re-embed " + state.toModel(), toReplay, "changes")) {
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "kembed-shutdown"));
                boolean announced = false;
                String embedGroup = reembed.embedGroupOf(state.toModel());
                while (workers.sink().isAlive() && !stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                    ReembedProgress p = reembed.progress(state);
                    bar.stepTo(Math.min(toReplay, p.committed(embedGroup)));
                    if (!announced && reembed.check(state, Reembed.DEFAULT_MAX_LAG).isEmpty()) {
                        bar.stepTo(toReplay);
                        out.printf("%ncaught up: `kembed reembed cutover` switches alias %s to %s. Keep this "
                                + "running (or start the model's worker deployments) so live changes keep "
                                + "reaching it; Ctrl-C stops it.%n", state.scopeAlias(), state.toCollection());
                        announced = true;
                    }
                }
                return workers.sink().failure() == null ? 0 : 1;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Per-partition progress of the new model's groups: committed vs end offset, rate, ETA.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--interval", defaultValue = "5",
                description = "Seconds between the two readings the rate is taken from (default: ${DEFAULT-VALUE}).")
        int interval;

        @Override
        public Integer call() throws Exception {
            return common.withReembed((aliases, reembed) -> {
                ReembedState s = reembed.state().orElse(null);
                if (s == null) {
                    System.out.printf("no re-embed of alias %s was started%n", reembed.scopeAlias());
                    return 1;
                }
                ReembedProgress first = reembed.progress(s);
                Thread.sleep(Duration.ofSeconds(Math.max(1, interval)).toMillis());
                ReembedProgress second = reembed.progress(s);
                print(System.out, s, reembed.currentCollection(), first, second,
                        reembed.check(s, Reembed.DEFAULT_MAX_LAG));
                return 0;
            });
        }

        static void print(PrintStream out, ReembedState s, String aliasTarget, ReembedProgress first,
                ReembedProgress second, java.util.List<String> behind) {
            out.printf("alias %s -> %s; re-embed %s -> %s %s (started %s, phase since %s)%n", s.scopeAlias(),
                    aliasTarget,
                    s.fromModel(), s.toModel(), s.phase(), s.startedAt(), s.changedAt());
            out.printf("%-44s %-34s %12s %12s %10s%n", "group", "partition", "committed", "end", "lag");
            for (ReembedProgress.Row r : second.partitions()) {
                out.printf(Locale.ROOT, "%-44s %-34s %,12d %,12d %,10d%n", r.group(), r.partition(), r.committed(),
                        r.end(), r.lag());
            }
            Set<String> groups = new LinkedHashSet<>();
            second.partitions().forEach(r -> groups.add(r.group()));
            for (String g : groups) {
                double rate = second.rate(first, g);
                Duration eta = second.eta(g, rate);
                out.printf(Locale.ROOT, "%s: lag %,d, %.1f records/s, ETA %s%n", g, second.lag(g), rate,
                        eta == null ? "unknown (no progress)" : eta.withNanos(0));
            }
            out.println(behind.isEmpty() ? "caught up: ready for `kembed reembed cutover`"
                    : "not caught up: " + String.join("; ", behind));
        }
    }

    @Command(name = "cutover", mixinStandardHelpOptions = true,
            description = "Swap the alias to the new model's collection atomically, once it has caught up.")
    static final class Cutover implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--max-lag", defaultValue = "0",
                description = "Largest lag (records) of each new group still accepted as caught up (default: "
                        + "${DEFAULT-VALUE}).")
        long maxLag;

        @Override
        public Integer call() throws Exception {
            return common.withReembed((aliases, reembed) -> {
                ReembedState s = reembed.cutover(maxLag);
                System.out.printf("alias %s -> %s (%s); `kembed reembed rollback` switches back%n", s.scopeAlias(),
                        s.toCollection(), s.toModel());
                return 0;
            });
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Swap the alias back to the old model's collection.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            return common.withReembed((aliases, reembed) -> {
                ReembedState s = reembed.rollback();
                System.out.printf("alias %s -> %s (%s) again%n", s.scopeAlias(), s.fromCollection(), s.fromModel());
                return 0;
            });
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "After the grace period, drop the old model's collection, consumer groups, changelogs "
                    + "and vectors topic (stop its workers first).")
    static final class Cleanup implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--grace", defaultValue = "PT24H",
                description = "How long after the cutover the old model is kept for a rollback, ISO-8601 "
                        + "(default: ${DEFAULT-VALUE}).")
        Duration grace;

        @Override
        public Integer call() throws Exception {
            return common.withReembed((aliases, reembed) -> {
                ReembedState s = reembed.cleanup(grace);
                if (!s.fromCollectionIsOwn()) {
                    System.out.printf("nothing dropped: tenant %s's old vectors are in %s, shared with the other "
                            + "tenants and kept current by %s's workers%n", s.tenant(), s.fromCollection(),
                            s.fromModel());
                } else {
                    System.out.printf("dropped %s, groups %s and %s%s%n", s.fromCollection(),
                            reembed.embedGroupOf(s.fromModel()), reembed.sinkGroupOf(s.fromModel()),
                            s.tenant() == null ? ", topic " + common.kafka.topics().vectors(s.fromModel()) : "");
                }
                return 0;
            });
        }
    }

    @Command(name = "stale", mixinStandardHelpOptions = true,
            description = "Count stale vectors of the alias's collections: another model than the alias's, or a "
                    + "version older than the latest source version (exit 1 if the aliased collection has any).")
    static final class Stale implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            return common.withReembed((aliases, reembed) -> {
                ModelSpec current = reembed.currentModel();
                String tenant = common.tenant;
                Map<EntityKey, SourceScan.Latest> latest = SourceScan.latest(reembed.clientProperties(),
                        common.kafka.topics(), tenant == null ? t -> true : tenant::equals, false);
                Set<String> collections = new LinkedHashSet<>();
                String aliased = reembed.currentCollection();
                collections.add(aliased);
                reembed.state().filter(s -> s.phase() != ReembedState.Phase.CLEANED_UP).ifPresent(s -> {
                    collections.add(s.fromCollection());
                    collections.add(s.toCollection());
                });
                int exit = 0;
                for (String c : collections) {
                    try (VectorStore store = common.store.open(c, current.dims())) {
                        StaleVectors.Count n = StaleVectors.count(store, current.id(), latest);
                        System.out.printf(Locale.ROOT, "%s%s: %,d of another model than %s, %,d at an older "
                                        + "version, %,d missing (of %,d source entities)%n", c,
                                c.equals(aliased) ? " (aliased)" : "",
                                n.otherModel(), current.id(), n.olderVersion(), n.missing(), n.entities());
                        if (c.equals(aliased) && !n.isZero()) {
                            exit = 1;
                        }
                    }
                }
                return exit;
            });
        }
    }

    static Map<String, Object> withBootstrap(KafkaOptions kafka) {
        Map<String, Object> props = new java.util.HashMap<>(kafka.clientProperties());
        props.put("bootstrap.servers", kafka.requireBootstrapServers());
        return props;
    }
}

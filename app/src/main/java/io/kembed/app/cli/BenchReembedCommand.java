package io.kembed.app.cli;

import io.kembed.app.bench.RegisterTexts;
import io.kembed.app.reembed.Reembed;
import io.kembed.app.reembed.ReembedState;
import io.kembed.app.reembed.ReembedWorkers;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.VectorStores;
import io.kembed.sink.lucene.LuceneAliases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kembed bench reembed}: the re-embed rate against the steady-state ingest rate of the same model on the same
 * data, and the re-embed's wall time for the EU-register file.
 *
 * <p>Method, each phase on its own embedded KRaft broker (so no Streams state or group carries over) and Lucene
 * store in one JVM:
 * <ol>
 *   <li><b>ingest B</b>: the contacts published to an empty pipeline running model B only; timed from the first
 *       publish to every contact stored: B's steady-state ingest rate;</li>
 *   <li><b>ingest A</b>: the same on model A (the starting point of the re-embed; its rate is printed too);</li>
 *   <li><b>re-embed A to B</b>: on the pipeline of phase 2, with A's workers still running, {@code Reembed.start}
 *       and B's workers; timed from the start to caught up (every contact in B's collection, no lag): the
 *       re-embed rate and the wall time.</li>
 * </ol>
 * The ratio re-embed rate / ingest rate of B has a goal of at least 0.9: replaying the compacted topics should cost
 * no more than ingesting the same changes live.
 */
@Command(name = "reembed", mixinStandardHelpOptions = true,
        description = "Re-embed rate vs steady-state ingest rate (same model, same data), and the re-embed wall time "
                + "of the EU-register file.")
final class BenchReembedCommand implements Callable<Integer> {

    @Option(names = "--limit", defaultValue = "2147483647",
            description = "EU-register contacts to use (default: all 11,836).")
    int limit;

    @Option(names = "--model", defaultValue = "all-minilm-l6-v2-q",
            description = "Model A, re-embedded from (default: ${DEFAULT-VALUE}).")
    String fromModel;

    @Option(names = "--to-model", defaultValue = "e5-small-v2-q",
            description = "Model B, re-embedded to (default: ${DEFAULT-VALUE}).")
    String toModel;

    @Option(names = "--partitions", defaultValue = "4", description = "Change-topic partitions (default: "
            + "${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "Longest wait per phase (default: "
            + "${DEFAULT-VALUE}).")
    Duration timeout;

    private static final String ALIAS = CollectionNames.DEFAULT_ALIAS;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        List<ContactEvent> contacts = RegisterTexts.contacts(DataFiles.euRegister(), "bench-reembed", limit);
        ModelSpec a = ModelRegistry.get(fromModel);
        ModelSpec b = ModelRegistry.get(toModel);
        out.printf("bench reembed: %,d EU-register contacts, %s -> %s, %d partitions, %d cores%n", contacts.size(),
                a.id(), b.id(), partitions, Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("kembed-bench-reembed");
        try (BiEncoder encoderA = BiEncoder.load(a, BiEncoderOptions.forWorker(a));
                BiEncoder encoderB = BiEncoder.load(b, BiEncoderOptions.forWorker(b))) {
            double ingestB = ingest(encoderB, contacts, work.resolve("ingest-b"), out).rate;
            double ingestA;
            double reembedRate;
            Duration wall;
            Path dir = work.resolve("reembed");
            try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
                Pipeline p = Pipeline.start(kafka, encoderA, dir, partitions);
                try (p) {
                    ingestA = p.publishAndWait(contacts, "Ingest " + a.id(), timeout, out);
                    ReembedState state;
                    long t = System.nanoTime();
                    state = p.reembed.start(b.id());
                    try (VectorStore storeB = VectorStores.lucene(dir.resolve("lucene"), state.toCollection(),
                            b.dims());
                            ReembedWorkers workersB = ReembedWorkers.start(p.reembed, state, encoderB, storeB,
                                    dir.resolve("state-b"), new SimpleMeterRegistry(), tenants -> { })) {
                        await("Re-embed " + b.id(), contacts.size(), () -> storeB.count(null),
                                () -> p.reembed.check(state, 0).isEmpty()
                                        && workersB.isDrained(p.reembed.admin()), timeout);
                        wall = Duration.ofNanos(System.nanoTime() - t);
                    }
                }
            }
            reembedRate = contacts.size() / (wall.toNanos() / 1e9);
            String reembedLabel = "re-embed " + a.id() + " -> " + b.id();
            int w = Math.max(40, reembedLabel.length() + 2);
            out.printf(Locale.ROOT, "%n%-" + w + "s %,10.1f contacts/s%n", "ingest " + a.id(), ingestA);
            out.printf(Locale.ROOT, "%-" + w + "s %,10.1f contacts/s (steady state, empty pipeline)%n",
                    "ingest " + b.id(), ingestB);
            out.printf(Locale.ROOT, "%-" + w + "s %,10.1f contacts/s (replay while %s keeps running)%n",
                    reembedLabel, reembedRate, a.id());
            out.printf(Locale.ROOT, "ratio re-embed / ingest of %s: %.3f (goal >= 0.9)%n", b.id(),
                    reembedRate / ingestB);
            out.printf(Locale.ROOT, "re-embed wall time for %,d contacts: %.1f s%n", contacts.size(),
                    wall.toNanos() / 1e9);
            return 0;
        } finally {
            DemoCommand.deleteRecursively(work);
        }
    }

    private record Timed(double rate) {
    }

    private Timed ingest(BiEncoder encoder, List<ContactEvent> contacts, Path dir, PrintStream out) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Pipeline p = Pipeline.start(kafka, encoder, dir, partitions)) {
            return new Timed(p.publishAndWait(contacts, "Ingest " + encoder.spec().id(), timeout, out));
        }
    }

    /** One model's workers into its aliased collection on one broker. */
    private static final class Pipeline implements AutoCloseable {
        final LuceneAliases aliases;
        final VectorStore store;
        final Reembed reembed;
        final ReembedWorkers workers;
        final EmbeddedKafka kafka;

        private Pipeline(EmbeddedKafka kafka, LuceneAliases aliases, VectorStore store, Reembed reembed,
                ReembedWorkers workers) {
            this.kafka = kafka;
            this.aliases = aliases;
            this.store = store;
            this.reembed = reembed;
            this.workers = workers;
        }

        static Pipeline start(EmbeddedKafka kafka, BiEncoder encoder, Path dir, int partitions) {
            TopicNames topics = TopicNames.DEFAULT;
            Reembed reembed = null;
            VectorStore store = VectorStores.lucene(dir.resolve("lucene"), CollectionNames.of(ALIAS,
                    encoder.spec().id()), encoder.spec().dims());
            try {
                LuceneAliases aliases = LuceneAliases.open(dir.resolve("lucene"));
                aliases.swap(ALIAS, store.collection());
                reembed = new Reembed(kafka.bootstrapServers(), topics, Map.of(), ALIAS, aliases);
                TopicAdmin.ensureTopics(reembed.admin(), topics, new TopicAdmin.Layout(partitions, (short) 1),
                        List.of(encoder.spec().id()));
                ReembedWorkers workers = ReembedWorkers.forModel(reembed, encoder, store, dir.resolve("state"),
                        new SimpleMeterRegistry(), tenants -> { });
                return new Pipeline(kafka, aliases, store, reembed, workers);
            } catch (RuntimeException e) {
                if (reembed != null) {
                    reembed.close();
                }
                store.close();
                throw e;
            }
        }

        /** @return contacts per second from the first publish to all stored and drained */
        double publishAndWait(List<ContactEvent> contacts, String task, Duration timeout, PrintStream out)
                throws InterruptedException {
            long t = System.nanoTime();
            try (ChangePublisher publisher = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(),
                    reembed.topics(), Map.of()))) {
                contacts.forEach(publisher::publish);
                publisher.flush();
            }
            await(task, contacts.size(), () -> store.count(null), () -> workers.isDrained(reembed.admin()),
                    timeout);
            return contacts.size() / ((System.nanoTime() - t) / 1e9);
        }

        @Override
        public void close() {
            workers.close();
            reembed.close();
            store.close();
        }
    }

    private static void await(String task, long expected, LongSupplier stored, java.util.function.BooleanSupplier done,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ProgressBar bar = Bars.create(task, expected, "contacts")) {
            while (true) {
                long n = stored.getAsLong();
                bar.stepTo(Math.min(expected, n));
                // Drained twice, half a second apart (a flushed batch reaches the sink when its transaction commits);
                // contacts the embed worker dead-letters are never stored, so the count alone could wait forever.
                if (done.getAsBoolean()) {
                    Thread.sleep(500);
                    if (done.getAsBoolean()) {
                        bar.stepTo(Math.min(expected, stored.getAsLong()));
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(task + ": " + n + " of " + expected + " stored after " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }
}

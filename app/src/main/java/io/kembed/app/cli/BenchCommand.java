package io.kembed.app.cli;

import io.kembed.app.bench.RegisterTexts;
import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.bench.RawOnnxBenchmark;
import io.kembed.embed.model.ModelFiles;
import io.kembed.embed.model.ModelLoader;
import io.kembed.producer.ChangePublisher;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kembed bench embed}: raw ONNX Runtime (the limit) against the whole pipeline, same texts and model. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.Embed.class, BenchScaleCommand.class, BenchRerankCommand.class,
            BenchQueryEmbedCommand.class, BenchSearchCommand.class, BenchReembedCommand.class})
public final class BenchCommand {

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Raw ONNX Runtime in its best batch configuration vs events in Kafka -> vectors stored.")
    static final class Embed implements Callable<Integer> {

        @Option(names = "--texts", defaultValue = "2000",
                description = "EU-register contacts to embed (default: ${DEFAULT-VALUE}).")
        int texts;

        @Option(names = "--search-sample", defaultValue = "150",
                description = "Texts used to find the best raw batch configuration (default: ${DEFAULT-VALUE}).")
        int searchSample;

        @Option(names = "--partitions", defaultValue = "4", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--finalists", defaultValue = "2",
                description = "Best configurations of the sample that are timed on all texts; the fastest there is the "
                        + "limit (default: ${DEFAULT-VALUE}).")
        int finalists;

        @Option(names = "--passes", defaultValue = "2",
                description = "Timed passes over the texts, for the raw limit and for the pipeline alike (each pipeline "
                        + "pass under a tenant of its own, so it embeds every text again); the fastest pass of each "
                        + "counts (default: ${DEFAULT-VALUE}).")
        int passes;

        @Option(names = "--warmup", defaultValue = "3000",
                description = "Most other contacts sent through the pipeline first, in rounds of --warmup-round, until "
                        + "the JIT has settled (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--warmup-round", defaultValue = "250",
                description = "Contacts per warm-up round (default: ${DEFAULT-VALUE}).")
        int warmupRound;

        @Option(names = "--jit-settled", defaultValue = "0.03",
                description = "Warm-up ends after a round in which JIT compilation took less than this share of the "
                        + "machine's CPU time (default: ${DEFAULT-VALUE}).")
        double jitSettled;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        private static void awaitStored(LocalPipeline pipeline, String tenant, long expected, String task)
                throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
            try (ProgressBar bar = Bars.create(task, expected, "vectors")) {
                long count = 0;
                while (count < expected) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("pipeline did not store all vectors within an hour");
                    }
                    Thread.sleep(50);
                    count = pipeline.store().count(tenant);
                    bar.stepTo(count);
                }
            }
        }

        /**
         * Sends warm-up contacts in rounds until a round's JIT compilation time is under {@code --jit-settled} of
         * the CPU time (cores × wall time): the timed run then measures the pipeline, not the compiler. Each round
         * waits until its vectors are stored.
         */
        private void warmUp(LocalPipeline pipeline, ChangePublisher publisher, List<ContactEvent> warmupContacts,
                PrintStream out) throws InterruptedException {
            int sent = 0;
            int round = 0;
            while (sent < warmupContacts.size()) {
                List<ContactEvent> batch = warmupContacts.subList(sent,
                        Math.min(warmupContacts.size(), sent + Math.max(1, warmupRound)));
                long compileBefore = compileMillis();
                long start = System.nanoTime();
                publisher.publishAll(batch);
                sent += batch.size();
                awaitStored(pipeline, "warmup", sent, "Warm-up " + ++round);
                double seconds = (System.nanoTime() - start) / 1e9;
                double share = jitShare(compileMillis() - compileBefore, seconds);
                out.printf(Locale.ROOT, "warm-up round %d: %,d contacts, %.1f texts/s, JIT %.1f%% of the CPU time%n",
                        round, batch.size(), batch.size() / seconds, 100 * share);
                if (share < jitSettled) {
                    return;
                }
            }
            out.printf(Locale.ROOT, "warm-up: JIT still above %.1f%% after %,d contacts; timing anyway%n",
                    100 * jitSettled, sent);
        }

        /** Milliseconds the JIT compilers have spent so far (all compiler threads), or 0 if not reported. */
        private static long compileMillis() {
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        /** Compilation time as a share of the machine's CPU time over {@code seconds} of wall time. */
        private static double jitShare(long compileMillis, double seconds) {
            return compileMillis / 1e3 / (seconds * Runtime.getRuntime().availableProcessors());
        }

        @Override
        public Integer call() throws Exception {
            if (passes < 1) {
                throw new IllegalArgumentException("--passes must be >= 1, got " + passes);
            }
            PrintStream out = System.out;
            ModelSpec model = modelOptions.spec();
            BiEncoderOptions encoderOptions = modelOptions.encoderOptions();
            List<ContactEvent> all = RegisterTexts.contacts(DataFiles.euRegister(), "bench", texts + warmup);
            List<ContactEvent> contacts = all.subList(0, Math.min(texts, all.size()));
            List<ContactEvent> warmupContacts = all.subList(contacts.size(), all.size()).stream()
                    .map(c -> ContactEvent.upsert("warmup", c.contactId(), 1, c.name(), c.company(), c.title(),
                            c.notes(), c.tags()))
                    .toList();
            List<String> passages = contacts.stream().map(ContactEvent::embeddableText).toList();
            ModelFiles files = ModelLoader.resolve(model, encoderOptions.cacheDir());
            out.printf("bench embed: %s, %,d EU-register contacts, %d cores%n", model.id(), contacts.size(),
                    Runtime.getRuntime().availableProcessors());

            out.printf("%n[1/3] searching the best raw batch configuration on %d texts...%n", searchSample);
            // Search over one caller of all cores and over one caller per core, both at several batch sizes.
            RawOnnxBenchmark.Result search = RawOnnxBenchmark.run(model, files,
                    BiEncoderOptions.defaultsFor(model).withCacheDir(encoderOptions.cacheDir()),
                    passages.subList(0, Math.min(searchSample, passages.size())));
            out.print(search.format());
            // A short sample can rank close configurations wrongly (batches of 4 beat single texts on 150 texts and
            // lost on 2,000), so the best few of the sample are all timed on every text and the fastest is the limit.
            List<RawOnnxBenchmark.Config> finalistConfigs = search.measurements().stream()
                    .sorted(java.util.Comparator.comparingDouble(RawOnnxBenchmark.Measurement::textsPerSecond)
                            .reversed())
                    .limit(Math.max(1, finalists))
                    .map(RawOnnxBenchmark.Measurement::config)
                    .toList();

            out.printf("%n[2/3] raw ONNX Runtime, the best %d configurations of the sample (%s), all %,d texts...%n",
                    finalistConfigs.size(), finalistConfigs.stream().map(RawOnnxBenchmark.Config::name)
                            .collect(java.util.stream.Collectors.joining(", ")), passages.size());
            RawOnnxBenchmark.Result full = RawOnnxBenchmark.run(model, files, passages, finalistConfigs, passes);
            out.print(full.format());
            RawOnnxBenchmark.Measurement limit = full.best();
            out.printf(Locale.ROOT, "raw limit: %,.1f texts/s, %,.0f tokens/s%n", limit.textsPerSecond(),
                    limit.tokensPerSecond());

            out.printf("%n[3/3] pipeline: %,d events in Kafka -> embed worker -> sink -> Lucene...%n", contacts.size());
            Path work = Files.createTempDirectory("kembed-bench");
            try (BiEncoder encoder = BiEncoder.load(model, encoderOptions)) {
                PipelineOptions options = new PipelineOptions(kafka.bootstrapServersOrNull(), kafka.topics(),
                        new TopicAdmin.Layout(partitions, (short) 1), model, work.resolve("lucene"),
                        PipelineOptions.defaultCollection(model), work.resolve("state"), kafka.clientProperties());
                double pipelineRate;
                try (LocalPipeline pipeline = LocalPipeline.start(options, encoder)) {
                    ChangePublisher publisher = pipeline.publisher();
                    warmUp(pipeline, publisher, warmupContacts, out);
                    double bestSeconds = Double.MAX_VALUE;
                    for (int pass = 1; pass <= passes; pass++) {
                        String tenant = "bench-" + pass;
                        List<ContactEvent> events = contacts.stream()
                                .map(c -> ContactEvent.upsert(tenant, c.contactId(), 1, c.name(), c.company(),
                                        c.title(), c.notes(), c.tags()))
                                .toList();
                        long compileBefore = compileMillis();
                        long start = System.nanoTime();
                        publisher.publishAll(events);
                        awaitStored(pipeline, tenant, events.size(), "Pass " + pass);
                        double seconds = (System.nanoTime() - start) / 1e9;
                        long jitMillis = compileMillis() - compileBefore;
                        bestSeconds = Math.min(bestSeconds, seconds);
                        out.printf(Locale.ROOT, "pipeline pass %d: %,d events published and their vectors stored in "
                                + "%.1f s, %.1f texts/s (JIT compilation meanwhile: %.1f s, %.1f%% of the CPU time)%n",
                                pass, events.size(), seconds, events.size() / seconds, jitMillis / 1e3,
                                100 * jitShare(jitMillis, seconds));
                    }
                    pipelineRate = contacts.size() / bestSeconds;
                }
                out.printf(Locale.ROOT, "%nraw ONNX Runtime (limit): %,8.1f texts/s (fastest of %d passes)%n",
                        limit.textsPerSecond(), passes);
                out.printf(Locale.ROOT, "whole pipeline (warm):    %,8.1f texts/s (fastest of %d passes)%n",
                        pipelineRate, passes);
                out.printf(Locale.ROOT, "ratio pipeline / limit:   %8.3f (goal >= 0.9)%n",
                        pipelineRate / limit.textsPerSecond());
            } finally {
                DemoCommand.deleteRecursively(work);
            }
            return 0;
        }
    }
}

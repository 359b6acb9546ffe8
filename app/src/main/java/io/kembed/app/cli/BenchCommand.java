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
        subcommands = {BenchCommand.Embed.class, BenchScaleCommand.class})
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

        @Option(names = "--warmup", defaultValue = "300",
                description = "Other contacts sent through the pipeline first, so that the JIT has compiled the broker, "
                        + "Streams and sink code and the group has joined before timing (default: ${DEFAULT-VALUE}).")
        int warmup;

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

        @Override
        public Integer call() throws Exception {
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
            RawOnnxBenchmark.Config best = search.best().config();

            out.printf("%n[2/3] raw ONNX Runtime, best configuration (%s), all %,d texts...%n", best.name(),
                    passages.size());
            RawOnnxBenchmark.Measurement limit = RawOnnxBenchmark.run(model, files, passages, List.of(best), 2).best();
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
                    long warmStart = System.nanoTime();
                    warmupContacts.forEach(publisher::publish);
                    publisher.flush();
                    awaitStored(pipeline, "warmup", warmupContacts.size(), "Warm-up");
                    out.printf(Locale.ROOT, "warm-up: %,d other contacts through the pipeline in %.1f s (group join, "
                            + "JIT)%n", warmupContacts.size(), (System.nanoTime() - warmStart) / 1e9);
                    long start = System.nanoTime();
                    contacts.forEach(publisher::publish);
                    publisher.flush();
                    awaitStored(pipeline, "bench", contacts.size(), "Stored");
                    double seconds = (System.nanoTime() - start) / 1e9;
                    pipelineRate = contacts.size() / seconds;
                    out.printf(Locale.ROOT, "pipeline: %,d events published and their vectors stored in %.1f s%n",
                            contacts.size(), seconds);
                }
                out.printf(Locale.ROOT, "%nraw ONNX Runtime (limit): %,8.1f texts/s%n", limit.textsPerSecond());
                out.printf(Locale.ROOT, "whole pipeline (warm):    %,8.1f texts/s%n", pipelineRate);
                out.printf(Locale.ROOT, "ratio pipeline / limit:   %8.3f (goal >= 0.9)%n",
                        pipelineRate / limit.textsPerSecond());
            } finally {
                DemoCommand.deleteRecursively(work);
            }
            return 0;
        }
    }
}

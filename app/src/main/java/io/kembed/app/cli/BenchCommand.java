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
        subcommands = BenchCommand.Embed.class)
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

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            ModelSpec model = modelOptions.spec();
            BiEncoderOptions encoderOptions = modelOptions.encoderOptions();
            List<ContactEvent> contacts = RegisterTexts.contacts(DataFiles.euRegister(), "bench", texts);
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
                try (LocalPipeline pipeline = LocalPipeline.startPaused(options, encoder)) {
                    ChangePublisher publisher = pipeline.publisher();
                    for (ContactEvent c : contacts) {
                        publisher.publish(c);
                    }
                    publisher.flush();
                    long start = System.nanoTime();
                    pipeline.startWorkers();
                    long firstAt = 0;
                    long firstCount = 0;
                    try (ProgressBar bar = Bars.create("Stored", contacts.size(), "vectors")) {
                        long count = 0;
                        while (count < contacts.size()) {
                            Thread.sleep(50);
                            count = pipeline.store().count("bench");
                            if (firstAt == 0 && count > 0) {
                                firstAt = System.nanoTime();
                                firstCount = count;
                            }
                            bar.stepTo(count);
                            if (System.nanoTime() - start > Duration.ofHours(1).toNanos()) {
                                throw new IllegalStateException("pipeline did not store all vectors within an hour");
                            }
                        }
                    }
                    long end = System.nanoTime();
                    double total = (end - start) / 1e9;
                    double steady = (end - firstAt) / 1e9;
                    pipelineRate = (contacts.size() - firstCount) / steady;
                    out.printf(Locale.ROOT, "pipeline: %,d vectors stored %.1f s after the workers started; first %,d "
                            + "after %.1f s (group join, first batch), the other %,d in %.1f s%n", contacts.size(),
                            total, firstCount, (firstAt - start) / 1e9, contacts.size() - firstCount, steady);
                    out.printf(Locale.ROOT, "pipeline including start-up: %,.1f texts/s%n", contacts.size() / total);
                }
                out.printf(Locale.ROOT, "%nraw ONNX Runtime (limit): %,8.1f texts/s%n", limit.textsPerSecond());
                out.printf(Locale.ROOT, "whole pipeline (steady):  %,8.1f texts/s%n", pipelineRate);
                out.printf(Locale.ROOT, "ratio pipeline / limit:   %8.3f (goal >= 0.9)%n",
                        pipelineRate / limit.textsPerSecond());
            } finally {
                DemoCommand.deleteRecursively(work);
            }
            return 0;
        }
    }
}

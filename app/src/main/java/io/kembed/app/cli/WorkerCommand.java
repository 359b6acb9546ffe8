package io.kembed.app.cli;

import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedWorker;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.sink.SinkWorker;
import io.kembed.sink.SinkWorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kembed worker embed|sink}: run one pipeline stage against a Kafka cluster until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a pipeline stage against a Kafka cluster until SIGTERM/Ctrl-C.",
        subcommands = {WorkerCommand.Embed.class, WorkerCommand.Sink.class})
public final class WorkerCommand {

    /** The embed worker: change topics to vectors topic. Start several for more throughput. */
    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Embed change events into the vectors topic (Kafka Streams, exactly-once).")
    static final class Embed implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--state-dir", defaultValue = "${env:KEMBED_STATE_DIR:-.kembed/streams-state}",
                description = "Kafka Streams state directory (default: ${DEFAULT-VALUE}).")
        Path stateDir;

        @Option(names = "--application-id", paramLabel = "ID",
                description = "Kafka Streams application id = consumer group (default: kembed-embed-<model id>); "
                        + "workers with the same id share the change topics' partitions.")
        String applicationId;

        @Option(names = "--stream-threads", defaultValue = "0",
                description = "Stream threads, each embedding its own partitions on one core (default: one per "
                        + "available processor).")
        int streamThreads;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        @Override
        public Integer call() throws InterruptedException {
            try (BiEncoder encoder = modelOptions.load()) {
                EmbedWorkerConfig config = EmbedWorkerConfig.defaults(kafka.requireBootstrapServers(),
                        encoder.spec(), stateDir).withTopics(kafka.topics())
                        .withKafkaProperties(kafka.clientProperties()).withApplicationId(applicationId);
                if (streamThreads > 0) {
                    config = config.withStreamThreads(streamThreads);
                }
                EmbedWorker worker = EmbedWorker.start(config, encoder, new SimpleMeterRegistry());
                Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "kembed-shutdown"));
                System.out.printf("embed worker %s running (model %s); Ctrl-C stops it gracefully%n",
                        config.applicationId(), encoder.spec().id());
                worker.awaitShutdown();
                return 0;
            }
        }
    }

    /** The sink: vectors topic to the vector store. */
    @Command(name = "sink", mixinStandardHelpOptions = true,
            description = "Write the vectors topic to the vector store.")
    static final class Sink implements java.util.concurrent.Callable<Integer> {

        @Mixin
        KafkaOptions kafka;

        @Mixin
        ModelOptions modelOptions;

        @Mixin
        StoreOptions storeOptions;

        @Override
        public Integer call() throws InterruptedException {
            try (VectorStore store = storeOptions.open(modelOptions.spec())) {
                SinkWorkerConfig config = SinkWorkerConfig.defaults(kafka.requireBootstrapServers(),
                        store.collection()).withTopics(kafka.topics()).withKafkaProperties(kafka.clientProperties());
                CountDownLatch stopped = new CountDownLatch(1);
                SinkWorker sink = SinkWorker.start(config, store);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    sink.close();
                    stopped.countDown();
                }, "kembed-shutdown"));
                System.out.printf("sink %s -> %s running; Ctrl-C stops it%n", config.groupId(), store.collection());
                while (sink.isAlive()) {
                    stopped.await(1, java.util.concurrent.TimeUnit.SECONDS);
                }
                return sink.failure() == null ? 0 : 1;
            }
        }
    }
}

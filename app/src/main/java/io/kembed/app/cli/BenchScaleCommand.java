package io.kembed.app.cli;

import io.kembed.app.KembedCli;
import io.kembed.app.bench.RegisterTexts;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kembed bench scale}: the same backlog of change events embedded by one worker process using both cores
 * (two stream threads) and by two worker processes using one core each (one stream thread each, same consumer
 * group), on a multi-partition topic. If work spreads by partition, the two single-core workers reach the two-core
 * worker's throughput.
 *
 * <p>Method: the contacts are published first (a backlog), once per scenario under its own topic prefix, so the
 * scenarios share nothing but the broker. Workers are child JVMs of this jar ({@code kembed worker embed}) with
 * {@code -XX:ActiveProcessorCount} set to their cores and, where {@code taskset} exists, pinned to them. Throughput
 * is timed from the moment {@code --untimed} (20%) of the vectors are committed and every partition has some (so
 * every worker process owns partitions and is past JVM start, model load, group join and its first batches,
 * whichever joined last) to the moment all are, counting records with a {@code read_committed} consumer on the scenario's vectors
 * topic. Each worker's CPU time in that window ({@code ProcessHandle.Info.totalCpuDuration}) is printed too: a worker
 * below 100% of its cores was waiting, not computing.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "One 2-core embed worker vs two 1-core embed workers in one consumer group: throughputs "
                + "and their ratio.")
final class BenchScaleCommand implements Callable<Integer> {


    @Option(names = "--texts", defaultValue = "1500",
            description = "EU-register contacts per scenario (default: ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--partitions", defaultValue = "8",
            description = "Partitions of the change and vectors topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--untimed", defaultValue = "0.2",
            description = "Share of the vectors committed before the clock starts, so that JVM start, model load, "
                    + "group join and JIT warm-up (per worker process) stay out of the timing "
                    + "(default: ${DEFAULT-VALUE}).")
    double untimedShare;

    @Option(names = "--timeout", defaultValue = "PT30M",
            description = "Longest a scenario may take, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--keep-logs", description = "Keep the worker processes' logs and state (printed where) instead "
            + "of deleting them; run with KEMBED_LOG_LEVEL=INFO to see each worker's partition assignment.")
    boolean keepLogs;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ModelOptions modelOptions;

    /** One way to run the workers. */
    private record Scenario(String name, String prefix, List<List<Integer>> coresPerWorker) {
        int workers() {
            return coresPerWorker.size();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (untimedShare < 0 || untimedShare >= 1 || texts < 10 || partitions < 2) {
            throw new IllegalArgumentException("need 0 <= --untimed < 1, --texts >= 10 and --partitions >= 2");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2) {
            throw new IllegalStateException("bench scale needs at least 2 cores, this machine has " + cores);
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<Scenario> scenarios = List.of(
                new Scenario("one worker, 2 cores", "scale-" + run + "-a", List.of(List.of(0, 1))),
                new Scenario("two workers, 1 core each", "scale-" + run + "-b", List.of(List.of(0), List.of(1))));
        List<ContactEvent> contacts = RegisterTexts.contacts(DataFiles.euRegister(), "scale", texts);
        boolean taskset = hasTaskset();
        out.printf("bench scale: %s, %,d EU-register contacts, %d partitions, %d cores, pinning: %s%n",
                modelOptions.spec().id(), contacts.size(), partitions, cores,
                taskset ? "taskset" : "none (taskset not found; -XX:ActiveProcessorCount only)");
        Path work = Files.createTempDirectory("kembed-bench-scale");
        EmbeddedKafka embedded = kafka.bootstrapServersOrNull() == null ? EmbeddedKafka.start() : null;
        try {
            String bootstrap = embedded != null ? embedded.bootstrapServers() : kafka.bootstrapServersOrNull();
            Map<String, Object> adminProps = new HashMap<>(kafka.clientProperties());
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(adminProps)) {
                for (Scenario s : scenarios) {
                    TopicAdmin.ensureTopics(admin, new TopicNames(s.prefix()),
                            new TopicAdmin.Layout(partitions, (short) (embedded != null ? 1 : 3)),
                            List.of(modelOptions.spec().id()));
                }
            }
            for (Scenario s : scenarios) {
                try (ChangePublisher publisher = new ChangePublisher(new PublisherConfig(bootstrap,
                        new TopicNames(s.prefix()), kafka.clientProperties()))) {
                    publisher.publishAll(contacts);
                }
            }
            out.printf("published the backlog: %,d contacts per scenario%n", contacts.size());
            double[] rates = new double[scenarios.size()];
            for (int i = 0; i < scenarios.size(); i++) {
                rates[i] = run(scenarios.get(i), bootstrap, work, taskset, contacts.size(), out);
            }
            out.printf(Locale.ROOT, "%none worker, 2 cores:        %,8.1f texts/s%n", rates[0]);
            out.printf(Locale.ROOT, "two workers, 1 core each:   %,8.1f texts/s%n", rates[1]);
            out.printf(Locale.ROOT, "ratio two 1-core / one 2-core: %.3f (goal >= 0.9)%n", rates[1] / rates[0]);
            return 0;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (keepLogs) {
                out.println("worker logs and state kept in " + work);
            } else {
                DemoCommand.deleteRecursively(work);
            }
        }
    }

    /** @return texts per second between {@code --untimed} and all vectors committed */
    private double run(Scenario s, String bootstrap, Path work, boolean taskset, int expected, PrintStream out)
            throws IOException, InterruptedException {
        out.printf("%n%s: starting %d worker process%s...%n", s.name(), s.workers(), s.workers() == 1 ? "" : "es");
        List<Process> workers = new ArrayList<>();
        try {
            for (int w = 0; w < s.workers(); w++) {
                workers.add(startWorker(s, w, bootstrap, work, taskset));
            }
            TopicNames topics = new TopicNames(s.prefix());
            Map<String, Object> c = new HashMap<>(kafka.clientProperties());
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            double seconds;
            long timed;
            long untimed;
            double fromStart;
            double[] cpuAtStart = new double[workers.size()];
            double[] cpuAtEnd = new double[workers.size()];
            try (KafkaConsumer<byte[], byte[]> counter = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
                    ProgressBar bar = Bars.create("Vectors", expected, "vectors")) {
                List<TopicPartition> parts = counter.partitionsFor(topics.vectors(modelOptions.spec().id())).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
                // One vector record per contact, on the partition of the contact's key: the backlog's records per
                // change-topic partition are the vectors each partition will get.
                Map<Integer, Long> expectedPerPartition = new HashMap<>();
                List<TopicPartition> changeParts = counter.partitionsFor(topics.contacts()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
                counter.endOffsets(changeParts).forEach((tp, end) -> expectedPerPartition.put(tp.partition(), end));
                Map<Integer, Long> perPartition = new HashMap<>();
                counter.assign(parts);
                counter.seekToBeginning(parts);
                long deadline = System.nanoTime() + timeout.toNanos();
                long count = 0;
                long startNanos = -1;
                long startCount = 0;
                long startedAt = System.nanoTime();
                while (count < expected) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(s.name() + ": only " + count + " of " + expected
                                + " vectors after " + timeout + "; worker logs in " + work);
                    }
                    for (Process p : workers) {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(s.name() + ": a worker exited with " + p.exitValue()
                                    + "; logs in " + work);
                        }
                    }
                    for (var r : counter.poll(Duration.ofMillis(100))) {
                        perPartition.merge(r.partition(), 1L, Long::sum);
                        count++;
                    }
                    bar.stepTo(Math.min(count, expected));
                    if (startNanos < 0 && count >= Math.ceil(expected * untimedShare)
                            && everyPartitionStarted(perPartition, expectedPerPartition)) {
                        startNanos = System.nanoTime();
                        startCount = count;
                        for (int w = 0; w < workers.size(); w++) {
                            cpuAtStart[w] = cpuSeconds(workers.get(w));
                        }
                    }
                }
                for (int w = 0; w < workers.size(); w++) {
                    cpuAtEnd[w] = cpuSeconds(workers.get(w));
                }
                seconds = (System.nanoTime() - startNanos) / 1e9;
                timed = count - startCount;
                fromStart = (System.nanoTime() - startedAt) / 1e9;
                untimed = startCount;
            }
            double rate = timed / seconds;
            out.printf(Locale.ROOT, "%s: %,.1f texts/s (%,d vectors in %.1f s after the first %,d; %.1f s from "
                    + "start)%n", s.name(), rate, timed, seconds, untimed, fromStart);
            for (int w = 0; w < workers.size(); w++) {
                double cpu = cpuAtEnd[w] - cpuAtStart[w];
                int cores = s.coresPerWorker().get(w).size();
                out.printf(Locale.ROOT, "  worker %d (%d core%s): %.1f CPU s in the timed window, %.0f%% of its "
                        + "core%s%n", w, cores, cores == 1 ? "" : "s", cpu, 100 * cpu / (seconds * cores),
                        cores == 1 ? "" : "s");
            }
            return rate;
        } finally {
            for (Process p : workers) {
                p.destroy(); // SIGTERM: the worker closes gracefully
            }
            for (Process p : workers) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /**
     * True once every partition that has contacts has committed a vector: then every worker process owns partitions
     * and has embedded and committed a batch, whichever joined the group last (with several processes, the first to
     * join may otherwise produce the whole untimed share alone). Partitions are not required to be at the same
     * share: a worker drains its partitions' backlogs unevenly (the fetch hands it whole partitions at a time).
     */
    private static boolean everyPartitionStarted(Map<Integer, Long> done, Map<Integer, Long> expected) {
        for (Map.Entry<Integer, Long> e : expected.entrySet()) {
            if (e.getValue() > 0 && done.getOrDefault(e.getKey(), 0L) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * CPU time (user + system) the process has used so far, from {@code /proc/<pid>/stat}, s; -1 where unknown.
     * The worker is the process itself: {@code taskset} execs java in place.
     */
    private static double cpuSeconds(Process p) {
        return p.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    private Process startWorker(Scenario s, int index, String bootstrap, Path work, boolean taskset)
            throws IOException {
        List<Integer> cores = s.coresPerWorker().get(index);
        List<String> cmd = new ArrayList<>();
        if (taskset) {
            cmd.addAll(List.of("taskset", "-c", cores.stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:ActiveProcessorCount=" + cores.size());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KembedCli.class.getName(),
                "worker", "embed", "--bootstrap-servers", bootstrap, "--topic-prefix", s.prefix(),
                "--application-id", s.prefix() + "-embed", "--stream-threads", Integer.toString(cores.size()),
                "--state-dir", work.resolve(s.prefix() + "-" + index).toString(),
                "--model", modelOptions.spec().id(), "--ops-port", "0"));
        cmd.addAll(kafkaConfigArgs(kafka.clientProperties(), work));
        File log = work.resolve(s.prefix() + "-worker-" + index + ".log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    /**
     * The child worker's Kafka client settings as {@code --kafka-config FILE}: a properties file readable by this
     * user only, in {@code work}. Never as {@code --kafka-property} arguments: a command line is visible to every
     * user of the machine ({@code ps}), and these settings hold SASL and trust-store passwords.
     *
     * @return no arguments when there are no settings
     * @throws IOException if the file cannot be written
     */
    static List<String> kafkaConfigArgs(Map<String, Object> clientProperties, Path work) throws IOException {
        if (clientProperties.isEmpty()) {
            return List.of();
        }
        Path file = work.resolve("kafka-client.properties");
        if (!Files.exists(file)) {
            java.util.Properties p = new java.util.Properties();
            clientProperties.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
            try {
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system
            }
            try (java.io.Writer w = Files.newBufferedWriter(file)) {
                p.store(w, "Kafka client settings of the bench scale workers");
            }
        }
        return List.of("--kafka-config", file.toString());
    }

    private static boolean hasTaskset() {
        try {
            Process p = new ProcessBuilder("taskset", "-c", "0", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

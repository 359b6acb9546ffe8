package io.kembed.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.app.KembedCli;
import io.kembed.app.cli.LogFormat;
import io.kembed.app.reliability.ReliabilityReport;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.SearchHit;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.embed.query.QueryEmbedding;
import io.kembed.rerank.RerankResult;
import io.kembed.rerank.requestreply.RerankClient;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.sink.VectorStores;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security settings reach every client kembed makes, end to end against a real broker whose only client
 * listener wants SASL/PLAIN over TLS ({@link SaslKafka}): a client without the settings, without the trust store or
 * with a wrong password is refused;
 * with the settings of a {@code --kafka-config} file (or the same as {@code --kafka-property} options) every stage
 * works: {@code kembed topics} (admin), {@code import} (producer), {@code worker embed} (Kafka Streams, the query
 * embedding server, the lag gauges' admin), {@code worker sink} (consumer; it also bumps tenant generations in a
 * password-protected redis-server given as {@code --redis-uri redis://:password@...}), {@code worker rerank}
 * (request server), and the request/reply clients ({@link QueryEmbedClient}, {@link RerankClient}). The imported
 * contacts end up searchable in the sink's Lucene store.
 *
 * <p>Logs: the run goes with kembed and the Kafka clients at INFO in JSON ({@code KEMBED_KAFKA_LOG_LEVEL=INFO}), so
 * every Kafka client prints its configuration: each of them must show {@code security.protocol = SASL_SSL} and the
 * trust store (the settings did reach it), with {@code sasl.jaas.config} and {@code ssl.truststore.password}
 * {@code [hidden]}; and no line of stdout or stderr may hold the SASL, trust store or Redis password.
 */
class KafkaSaslIT {

    private static final String PASSWORD = "sasl-Pass-7f3a9c";
    private static final String REDIS_PASSWORD = "redis-Pass-51e2d0";
    private static final String STORE_PASSWORD = "store-Pass-2b8e44";
    private static final String MODEL = "all-minilm-l6-v2-q";
    private static final int CONTACTS = 12;
    private static final String TENANT = "secure-tenant";
    private static final Pattern OPS_PORT = Pattern.compile("ops endpoints on http://0\\.0\\.0\\.0:(\\d+)");
    private static final Pattern CONFIG_DUMP = Pattern.compile("^(\\w+Config) values:");

    @TempDir
    Path dir;

    @Test
    void everyKafkaClient_usesTheSaslSettings_andNoSecretIsLogged() throws Exception {
        ReliabilityReport report = ReliabilityReport.scenario("security.kafka-sasl-ssl", "Security settings",
                "Every stage and client against a SASL_SSL-only broker from --kafka-config / --kafka-property; "
                        + "secrets searched for in all output (Kafka clients at INFO)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        List<Thread> workers = new ArrayList<>();
        try (SaslKafka kafka = SaslKafka.start(PASSWORD, STORE_PASSWORD, dir);
                RedisServerProcess redis = RedisServerProcess.start(REDIS_PASSWORD, null, dir);
                AutoCloseable stopsWorkersFirst = () -> stop(workers)) { // closed before the broker
            String bootstrap = kafka.bootstrapServers();
            Path clientConfig = dir.resolve("client.properties");
            Properties file = new Properties();
            file.putAll(kafka.clientProperties(SaslKafka.USER, PASSWORD, STORE_PASSWORD));
            try (Writer w = Files.newBufferedWriter(clientConfig)) {
                file.store(w, "kembed's Kafka client settings");
            }
            Map<String, Object> props = new HashMap<>(kafka.clientProperties(SaslKafka.USER, PASSWORD,
                    STORE_PASSWORD));
            refusesClientsWithoutTheRightCredentials(kafka);

            System.setProperty("KEMBED_LOG_LEVEL", "INFO");
            System.setProperty("KEMBED_KAFKA_LOG_LEVEL", "INFO");
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            LogFormat.json.apply();

            List<String> common = List.of("--log-format", "json", "--bootstrap-servers", bootstrap,
                    "--topic-prefix", "sec");
            assertThat(cli(common, "topics", "--partitions", "1", "--replication-factor", "1", "--model", MODEL,
                    "--kafka-config",
                    clientConfig.toString())).as("kembed topics").isZero();
            workers.add(start(common, "worker", "embed", "--kafka-config", clientConfig.toString(), "--model", MODEL,
                    "--state-dir", dir.resolve("state").toString(), "--stream-threads", "1", "--ops-port", "0"));
            // The sink gets the same settings one by one, as --kafka-property options.
            List<String> sink = new ArrayList<>(List.of("worker", "sink", "--model", MODEL, "--lucene-dir",
                    dir.resolve("lucene").toString(), "--ops-port", "0", "--redis-uri",
                    "redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port(), "--redis-key-prefix", "sec:"));
            props.forEach((k, v) -> sink.addAll(List.of("--kafka-property", k + "=" + v)));
            workers.add(start(common, sink.toArray(String[]::new)));
            workers.add(start(common, "worker", "rerank", "--bi-encoder-fallback", "--model", MODEL,
                    "--kafka-config", clientConfig.toString(), "--ops-port", "0"));

            assertThat(cli(common, "import", Path.of("..", "data", "eu-transparency-register-2018",
                    "transparency_register_2018.jsonl.gz").toString(), "--preset", "eu-transparency-register",
                    "--tenant", TENANT, "--limit", Integer.toString(CONTACTS), "--rejects",
                    dir.resolve("rejects.jsonl").toString(), "--kafka-config",
                    clientConfig.toString())).as("kembed import").isZero();
            awaitSinkApplied(out, CONTACTS);

            float[] queryVector;
            try (QueryEmbedClient queries = QueryEmbedClient.create(bootstrap, new QueryEmbedTopics("sec"),
                    "sasl-it", props)) {
                QueryEmbedding q = queries.embedBlocking("energy policy lobbying", Duration.ofSeconds(60));
                queryVector = q.vector();
                assertThat(queryVector).hasSize(ModelRegistry.get(MODEL).dims());
            }
            try (RerankClient rerank = RerankClient.create(bootstrap, new RerankTopics("sec"), "sasl-it", props)) {
                List<RerankResult> ranked = rerank.rerankBlocking("renewable energy",
                        List.of("A bakery in Lyon.", "Wind and solar power for Europe."), 2, Duration.ofSeconds(60));
                assertThat(ranked).hasSize(2);
                assertThat(ranked.get(0).index()).isEqualTo(1);
            }
            try (RedisClient admin = RedisClient.create("redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port());
                    StatefulRedisConnection<String, String> c = admin.connect()) {
                // The bump follows the batch's commit, which may come just after its records were counted.
                org.awaitility.Awaitility.await("the sink bumped the tenant's generation in Redis")
                        .atMost(Duration.ofSeconds(30)).until(() -> c.sync().get("sec:gen:" + TENANT) != null);
            }
            assertThat(cli(common, "status", "--interval", "0", "--kafka-config", clientConfig.toString()))
                    .as("kembed status").isZero();

            stop(workers);
            try (VectorStore store = VectorStores.lucene(dir.resolve("lucene"),
                    io.kembed.app.pipeline.PipelineOptions.defaultCollection(ModelRegistry.get(MODEL)),
                    ModelRegistry.get(MODEL).dims())) {
                assertThat(store.count(TENANT)).as("contacts stored through the SASL pipeline").isEqualTo(CONTACTS);
                List<SearchHit> hits = store.search(TENANT, queryVector, 3);
                assertThat(hits).hasSize(3).allSatisfy(h -> assertThat(h.entity().tenantId()).isEqualTo(TENANT));
            }
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            System.clearProperty("KEMBED_LOG_LEVEL");
            System.clearProperty("KEMBED_KAFKA_LOG_LEVEL");
            LogFormat.text.apply();
        }

        String logs = err.toString(StandardCharsets.UTF_8);
        String printed = out.toString(StandardCharsets.UTF_8);
        try {
            int secrets = 0;
            for (String secret : List.of(PASSWORD, REDIS_PASSWORD, STORE_PASSWORD)) {
                secrets += (logs + printed).split(Pattern.quote(secret), -1).length - 1;
            }
            report.events(CONTACTS).figure("clients refused (plaintext, untrusted, wrong password)", 3)
                    .figure("log lines searched", (logs + printed).split("\n").length)
                    .figure("secret occurrences", secrets);
            assertThat(logs + printed).doesNotContain(PASSWORD).doesNotContain(REDIS_PASSWORD)
                    .doesNotContain(STORE_PASSWORD);
            int clients = assertEveryKafkaClientGotTheSettings(logs, dir.resolve("kafka-truststore.p12"));
            report.figure("Kafka client configs logged, all SASL_SSL", clients).passed();
        } catch (Throwable t) {
            report.failed(t);
            throw t;
        }
    }

    /**
     * PLAINTEXT is refused (the broker closes the connection: nothing answers); without the trust store the TLS
     * handshake fails; a wrong password fails authentication.
     */
    private static void refusesClientsWithoutTheRightCredentials(SaslKafka kafka) {
        Map<String, Object> plain = Map.of("bootstrap.servers", kafka.bootstrapServers(), "request.timeout.ms",
                2_000, "default.api.timeout.ms", 3_000);
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .as("a client without SASL settings").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        Map<String, Object> untrusting = new HashMap<>(plain);
        untrusting.putAll(SaslKafka.saslOnly(SaslKafka.USER, PASSWORD));
        try (Admin admin = Admin.create(untrusting)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .as("a client that does not trust the broker's certificate").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
        }
        Map<String, Object> wrong = new HashMap<>(plain);
        wrong.putAll(kafka.clientProperties(SaslKafka.USER, "not-" + PASSWORD, STORE_PASSWORD));
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .as("a client with a wrong password").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    /**
     * Every Kafka client config dump (producer, consumer, admin, Streams) in the logs says SASL_SSL, names the trust
     * store and hides the JAAS config and the trust store's password; all four kinds were made.
     */
    private static int assertEveryKafkaClientGotTheSettings(String logs, Path trustStore) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> kinds = new TreeSet<>();
        Set<String> clientIds = new TreeSet<>();
        int dumps = 0;
        Pattern clientId = Pattern.compile("\\bclient\\.id = (\\S+)");
        for (String line : logs.split("\n")) {
            if (!line.startsWith("{")) {
                continue; // the import's progress lines; every line is checked for secrets above
            }
            JsonNode l = json.readTree(line);
            String message = l.path("formattedMessage").asText();
            Matcher dump = CONFIG_DUMP.matcher(message);
            if (!l.path("loggerName").asText().startsWith("org.apache.kafka") || !dump.find()) {
                continue;
            }
            kinds.add(dump.group(1));
            dumps++;
            Matcher id = clientId.matcher(message);
            clientIds.add(dump.group(1) + ":" + (id.find() ? id.group(1) : "?"));
            assertThat(message).as("config of a Kafka client: %s", message)
                    .contains("security.protocol = SASL_SSL");
            if (!dump.group(1).equals("StreamsConfig")) { // Streams passes them on to its clients' own configs
                assertThat(message).as("config of a Kafka client").contains("sasl.mechanism = PLAIN")
                        .contains("sasl.jaas.config = [hidden]").contains("ssl.truststore.password = [hidden]")
                        .contains("ssl.truststore.location = " + trustStore);
            }
        }
        System.out.println("KafkaSaslIT: Kafka clients made with the SASL settings: " + clientIds);
        assertThat(kinds).contains("ProducerConfig", "ConsumerConfig", "AdminClientConfig", "StreamsConfig");
        return dumps;
    }

    private static int cli(List<String> common, String... args) {
        List<String> all = new ArrayList<>();
        int sub = args[0].equals("worker") ? 2 : 1; // options follow the (sub)command
        all.addAll(List.of(args).subList(0, sub));
        all.addAll(common);
        all.addAll(List.of(args).subList(sub, args.length));
        return KembedCli.commandLine().execute(all.toArray(String[]::new));
    }

    private static Thread start(List<String> common, String... args) {
        Thread t = new Thread(() -> cli(common, args), "kembed-" + args[1]);
        t.start();
        return t;
    }

    private static PrintStream realStderr = System.err;

    private static PrintStream stderr() {
        return realStderr;
    }

    private static void stop(List<Thread> workers) throws InterruptedException {
        for (Thread t : workers) {
            t.interrupt(); // the commands wait interruptibly and close their workers
        }
        for (Thread t : workers) {
            long started = System.nanoTime();
            t.join(20_000);
            if (t.isAlive()) {
                stderr().println("KafkaSaslIT: " + t.getName() + " still stopping after 20 s, in "
                        + java.util.Arrays.toString(t.getStackTrace()));
                Thread.getAllStackTraces().forEach((th, st) -> {
                    if (th.getName().contains("StreamThread") || th.getName().contains("query")
                            || th.getName().contains("request")) {
                        stderr().println("  " + th.getName() + ": " + java.util.Arrays.toString(st));
                    }
                });
            }
            t.join(70_000);
            assertThat(t.isAlive()).as("%s stopped; stuck in %s", t.getName(),
                    java.util.Arrays.toString(t.getStackTrace())).isFalse();
            stderr().printf("KafkaSaslIT: %s stopped in %d ms%n", t.getName(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        workers.clear();
    }

    /** Waits until some worker's {@code /metrics} counts {@code n} applied sink records. */
    private static void awaitSinkApplied(ByteArrayOutputStream out, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Matcher m = OPS_PORT.matcher(out.toString(StandardCharsets.UTF_8));
            while (m.find()) {
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1)
                        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String line : metrics.split("\n")) {
                    if (line.startsWith("kembed_sink_records_total{") && line.contains("outcome=\"applied\"")
                            && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= n) {
                        return;
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the sink did not apply " + n + " records in 90 s");
    }
}

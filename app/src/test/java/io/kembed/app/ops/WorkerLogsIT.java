package io.kembed.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.app.KembedCli;
import io.kembed.app.cli.LogFormat;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kembed worker sink --log-format json} started with a SASL login, a truststore password and a Qdrant API key:
 * every stderr line is a JSON object, the worker and Kafka's clients do log their configurations (at INFO), and no
 * secret value appears anywhere in the output.
 */
class WorkerLogsIT {

    private static final String SASL_SECRET = "sasl-Secret-4711";
    private static final String TRUSTSTORE_SECRET = "truststore-Secret-0815";
    private static final String QDRANT_SECRET = "qdrant-Secret-1234";
    private static final Pattern OPS_PORT = Pattern.compile("ops endpoints on http://0\\.0\\.0\\.0:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sinkWorker_logsJsonLines_andNeverItsSecrets() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                TopicAdmin.ensureTopics(admin, new TopicNames("logs"), new TopicAdmin.Layout(1, (short) 1),
                        java.util.List.of("all-minilm-l6-v2-q"));
            }
            System.setProperty("KEMBED_LOG_LEVEL", "INFO");
            System.setProperty("KEMBED_KAFKA_LOG_LEVEL", "INFO");
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Thread worker = new Thread(() -> KembedCli.commandLine().execute("worker", "sink",
                    "--log-format", "json", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", "logs",
                    "--ops-port", "0", "--model", "all-minilm-l6-v2-q", "--lucene-dir", dir.toString(),
                    "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
                            + "required username=\"kembed\" password=\"" + SASL_SECRET + "\";",
                    "--kafka-property", "ssl.truststore.password=" + TRUSTSTORE_SECRET,
                    "--qdrant-api-key", QDRANT_SECRET), "worker-under-test");
            worker.start();
            int port = awaitPort(out);
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 60_000_000_000L;
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                Thread.sleep(200);
            }
            assertThat(status).as("/ready of the sink").isEqualTo(200);
            worker.interrupt(); // the command waits interruptibly; try-with-resources closes the sink and the store
            worker.join(30_000);
            assertThat(worker.isAlive()).isFalse();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            System.clearProperty("KEMBED_LOG_LEVEL");
            System.clearProperty("KEMBED_KAFKA_LOG_LEVEL");
            System.clearProperty("KEMBED_LOG_FORMAT");
            LogFormat.json.apply(); // no-op: the property is gone, so reload only if json is still current
            LogFormat.text.apply();
        }

        String logs = err.toString(StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logs.split("\n")) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line)); // throws on a line that is not JSON
            }
        }
        assertThat(lines).isNotEmpty().allSatisfy(l -> {
            assertThat(l.isObject()).isTrue();
            assertThat(l.path("level").asText()).isNotEmpty();
            assertThat(l.path("loggerName").asText()).isNotEmpty();
            assertThat(l.has("formattedMessage")).isTrue();
        });
        // The configurations were logged, so the secrets had their chance to leak...
        assertThat(lines).anySatisfy(l -> assertThat(l.path("formattedMessage").asText())
                .contains("sink starting").contains("sasl.jaas.config=[redacted]")
                .contains("ssl.truststore.password=[redacted]"));
        assertThat(lines).anySatisfy(l -> assertThat(l.path("loggerName").asText()).startsWith("org.apache.kafka")
                .satisfies(n -> assertThat(l.path("formattedMessage").asText()).contains("sasl.jaas.config = [hidden]")));
        // ...and none did.
        String all = logs + out.toString(StandardCharsets.UTF_8);
        assertThat(all).doesNotContain(SASL_SECRET).doesNotContain(TRUSTSTORE_SECRET).doesNotContain(QDRANT_SECRET);
    }

    private static int awaitPort(ByteArrayOutputStream out) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = OPS_PORT.matcher(out.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the worker printed no ops port; stdout: " + out.toString(StandardCharsets.UTF_8));
    }
}

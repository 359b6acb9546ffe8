package io.kembed.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.app.KembedCli;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.ops.OpsServer;
import io.kembed.rerank.requestreply.RerankWorker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code kembed worker rerank} as an operator runs it, on a real embedded broker with the tiny torch-built
 * cross-encoder fixture: it prints its ops port, {@code /ready} turns 200 once the requests partitions are assigned,
 * {@code /metrics} shows the group's lag gauges, the Kafka clients' metrics and the JVM's meters under
 * {@code worker="rerank"}, and an interrupt
 * stops it with the interrupted exit status.
 */
class RerankWorkerCommandIT {

    private static final Path TINY = Path.of("..", "rerank-worker", "src", "test", "resources", "cross-encoder-tiny")
            .toAbsolutePath().normalize();
    private static final Pattern OPS_PORT = Pattern.compile("ops endpoints on http://0\\.0\\.0\\.0:(\\d+)");

    @Test
    void rerankWorker_becomesReady_servesMetrics_andStopsOnInterrupt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        AtomicInteger exit = new AtomicInteger(-1);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Thread worker = new Thread(() -> exit.set(KembedCli.commandLine().execute("worker", "rerank",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--cross-encoder-dir", TINY.toString(),
                    "--ops-port", "0", "--lag-interval", "PT1S")), "rerank-under-test");
            worker.start();
            int port = awaitPort(out);
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 60_000_000_000L;
            HttpResponse<String> ready;
            do {
                Thread.sleep(200);
                ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + OpsServer.READY_PATH)).build(), HttpResponse.BodyHandlers.ofString());
            } while (ready.statusCode() != 200 && System.nanoTime() < deadline);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode checks = new ObjectMapper().readTree(ready.body()).path("checks");
            assertThat(checks.at("/rerank.model/detail").asText()).contains("cross-encoder");
            assertThat(checks.at("/rerank.partitions/detail").asText())
                    .isEqualTo(RerankWorker.Config.DEFAULT_REQUEST_PARTITIONS + " request partitions assigned");

            String requests = "kembed.rerank.requests";
            PrometheusText metrics = null;
            while (System.nanoTime() < deadline) {
                metrics = PrometheusText.parse(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + port + OpsServer.METRICS_PATH)).build(), HttpResponse.BodyHandlers.ofString()).body());
                if (metrics.find("kembed_consumer_lag_records", "group", "kembed-rerank", "topic", requests).size()
                        == RerankWorker.Config.DEFAULT_REQUEST_PARTITIONS) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(metrics.find("kembed_consumer_lag_records", "group", "kembed-rerank", "topic", requests))
                    .hasSize(RerankWorker.Config.DEFAULT_REQUEST_PARTITIONS)
                    .allSatisfy(s -> assertThat(s.value()).isZero());
            assertThat(metrics.find("jvm_threads_live_threads", "worker", "rerank")).hasSize(1);
            // Kafka's own client metrics of the request server's consumer and producer.
            assertThat(metrics.samples()).anyMatch(s -> s.name().startsWith("kafka_consumer_"))
                    .anyMatch(s -> s.name().startsWith("kafka_producer_"));

            worker.interrupt();
            worker.join(30_000);
            assertThat(worker.isAlive()).isFalse();
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit.get()).isEqualTo(130);
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

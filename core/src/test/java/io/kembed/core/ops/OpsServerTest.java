package io.kembed.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The endpoints' HTTP behaviour with plain checks; OpsEndpointsIT (app) runs them with real workers. */
class OpsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> send(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyFollowsItsChecks_aThrowingCheckIsDown_andLiveIsSeparate() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("kembed.test.things").register(registry).increment(3);
        AtomicBoolean assigned = new AtomicBoolean(false);
        WorkerHealth health = new WorkerHealth(
                Map.of("partitions", () -> HealthCheck.Result.of(assigned.get(), "assigned=" + assigned.get()),
                        "store", () -> {
                            throw new IllegalStateException("store unreachable");
                        }),
                Map.of("thread", () -> HealthCheck.Result.up("running")));
        try (OpsServer ops = OpsServer.start(0, registry, health)) {
            HttpResponse<String> ready = send(ops.port(), "GET", OpsServer.READY_PATH);
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = json.readTree(ready.body());
            assertThat(body.at("/checks/store/up").asBoolean()).isFalse();
            assertThat(body.at("/checks/store/detail").asText()).isEqualTo("IllegalStateException: store unreachable");
            assertThat(body.at("/checks/partitions/detail").asText()).isEqualTo("assigned=false");
            assertThat(send(ops.port(), "GET", OpsServer.LIVE_PATH).statusCode()).isEqualTo(200);
            assertThat(send(ops.port(), "GET", OpsServer.HEALTH_PATH).statusCode()).isEqualTo(503);

            HttpResponse<String> metrics = send(ops.port(), "GET", OpsServer.METRICS_PATH);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).contains(OpsServer.PROMETHEUS_CONTENT_TYPE);
            assertThat(metrics.body()).contains("kembed_test_things_total 3.0");

            assertThat(send(ops.port(), "POST", OpsServer.READY_PATH).statusCode()).isEqualTo(405);
            assertThat(send(ops.port(), "GET", "/nope").statusCode()).isEqualTo(404);
            HttpResponse<String> head = send(ops.port(), "HEAD", OpsServer.LIVE_PATH);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aHungCheck_isDownAfterTheTimeout_andDoesNotBlockLiveOrMetrics() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        WorkerHealth health = new WorkerHealth(Map.of("store", () -> {
            started.incrementAndGet();
            release.await(); // a store that never answers
            return HealthCheck.Result.up("answered");
        }), Map.of("thread", () -> HealthCheck.Result.up("running")));
        try (OpsServer ops = OpsServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), health)) {
            HttpResponse<String> first = send(ops.port(), "GET", OpsServer.READY_PATH);
            HttpResponse<String> second = send(ops.port(), "GET", OpsServer.READY_PATH);
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(json.readTree(second.body()).at("/checks/store/detail").asText())
                    .isEqualTo("no answer within " + OpsServer.CHECK_TIMEOUT_MS + " ms");
            assertThat(started.get()).as("the hung run is joined, not started again").isEqualTo(1);
            assertThat(send(ops.port(), "GET", OpsServer.LIVE_PATH).statusCode()).isEqualTo(200);
            assertThat(send(ops.port(), "GET", OpsServer.METRICS_PATH).statusCode()).isEqualTo(200);
            release.countDown();
        }
    }

    @Test
    void healthIsUp_whenEveryCheckIs() throws Exception {
        WorkerHealth health = new WorkerHealth(Map.of("a", () -> HealthCheck.Result.up("ok")),
                Map.of("b", () -> HealthCheck.Result.up("ok")));
        try (OpsServer ops = OpsServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), health)) {
            HttpResponse<String> r = send(ops.port(), "GET", OpsServer.HEALTH_PATH);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json.readTree(r.body()).path("status").asText()).isEqualTo("UP");
            assertThat(json.readTree(r.body()).path("checks").size()).isEqualTo(2);
        }
    }
}

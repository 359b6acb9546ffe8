package io.kembed.core.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints of a worker process, on the JDK's own HTTP server (no web framework):
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the registry in the Prometheus text format (version 0.0.4);</li>
 *   <li>{@code GET /ready}: 200 when every {@linkplain WorkerHealth#readiness() readiness} check is up, else 503;</li>
 *   <li>{@code GET /live}: 200 when every {@linkplain WorkerHealth#liveness() liveness} check is up, else 503;</li>
 *   <li>{@code GET /health}: a JSON summary of all checks, 200 when all are up, else 503.</li>
 * </ul>
 * {@code /ready}, {@code /live} and {@code /health} all answer with the same JSON body shape:
 * {@code {"status":"UP|DOWN","checks":{"<name>":{"up":true,"detail":"..."}}}}. Requests are served by two daemon
 * threads; each check runs on its own thread and counts as down after {@link #CHECK_TIMEOUT_MS} (a store that does
 * not answer), and a check still running from an earlier request is awaited rather than started again, so a hung
 * dependency can neither block {@code /metrics} and {@code /live} nor pile up threads.
 *
 * <pre>{@code
 * try (OpsServer ops = OpsServer.start(9400, registry, sink.health())) {
 *     System.out.println("ops on :" + ops.port());
 * }
 * }</pre>
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    public static final String METRICS_PATH = "/metrics";
    public static final String HEALTH_PATH = "/health";
    public static final String READY_PATH = "/ready";
    public static final String LIVE_PATH = "/live";
    /** Default port of every kembed worker's endpoints ({@code --ops-port}). */
    public static final int DEFAULT_PORT = 9400;
    /** The Prometheus text exposition format, which every Prometheus version scrapes. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** How long a request waits for one check before reporting it down: below Kubernetes' 3 s probe timeout, ms. */
    public static final long CHECK_TIMEOUT_MS = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final WorkerHealth health;
    private final ExecutorService checkExecutor;
    /** The latest run of each check (by identity), reused while it has not finished. */
    private final Map<HealthCheck, java.util.concurrent.Future<HealthCheck.Result>> runs =
            new java.util.concurrent.ConcurrentHashMap<>();

    private OpsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
            WorkerHealth health) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.health = health;
        AtomicInteger threads = new AtomicInteger();
        this.checkExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kembed-ops-check-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts serving on all interfaces.
     *
     * @param port TCP port; 0 picks a free one (see {@link #port()})
     * @param registry the meters to expose; owned by the caller
     * @param health the worker's checks
     * @throws UncheckedIOException if the port cannot be bound (in use, or below 1024 without privileges)
     */
    public static OpsServer start(int port, PrometheusMeterRegistry registry, WorkerHealth health) {
        return start(new InetSocketAddress(port), registry, health);
    }

    /**
     * Starts serving on one address.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static OpsServer start(InetSocketAddress address, PrometheusMeterRegistry registry, WorkerHealth health) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(health, "health");
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the ops endpoints on " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "kembed-ops-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OpsServer ops = new OpsServer(server, executor, registry, health);
        server.createContext("/", ops::handle);
        server.setExecutor(executor);
        server.start();
        return ops;
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case METRICS_PATH -> respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape());
                case READY_PATH -> respondChecks(exchange, health.readiness());
                case LIVE_PATH -> respondChecks(exchange, health.liveness());
                case HEALTH_PATH -> {
                    Map<String, HealthCheck> all = new TreeMap<>(health.liveness());
                    all.putAll(health.readiness());
                    respondChecks(exchange, all);
                }
                default -> respond(exchange, 404, "text/plain; charset=utf-8",
                        "not found; try " + METRICS_PATH + ", " + HEALTH_PATH + ", " + READY_PATH + ", " + LIVE_PATH
                                + "\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("ops request {} failed", exchange.getRequestURI(), e);
            throw e;
        }
    }

    private void respondChecks(HttpExchange exchange, Map<String, HealthCheck> checks) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode results = JSON.createObjectNode();
        boolean allUp = true;
        for (Map.Entry<String, HealthCheck> e : new TreeMap<>(checks).entrySet()) {
            HealthCheck.Result r = runWithTimeout(e.getValue());
            allUp &= r.up();
            results.putObject(e.getKey()).put("up", r.up()).put("detail", r.detail());
        }
        body.put("status", allUp ? "UP" : "DOWN");
        body.set("checks", results);
        respond(exchange, allUp ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    /** Runs a check on the check threads, or joins its run in progress; down after {@link #CHECK_TIMEOUT_MS}. */
    private HealthCheck.Result runWithTimeout(HealthCheck check) {
        java.util.concurrent.Future<HealthCheck.Result> run = runs.compute(check, (c, previous) ->
                previous != null && !previous.isDone() ? previous : checkExecutor.submit(() -> run(c)));
        try {
            return run.get(CHECK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return HealthCheck.Result.down("no answer within " + CHECK_TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheck.Result.down("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            return HealthCheck.Result.down(String.valueOf(e.getCause()));
        }
    }

    /** Runs a check; an exception (or an interrupted check) is a down result carrying its message. */
    static HealthCheck.Result run(HealthCheck check) {
        try {
            HealthCheck.Result r = check.check();
            return r != null ? r : HealthCheck.Result.down("check returned no result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheck.Result.down("interrupted");
        } catch (Exception e) {
            return HealthCheck.Result.down(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops accepting requests, waits up to 1 s for those in progress, and stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        checkExecutor.shutdownNow();
    }
}

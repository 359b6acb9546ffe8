package io.kembed.app.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one reliability scenario (a fault-suite or bad-input test) measured in its last run, written as
 * {@code target/reliability/<id>.json} when the test ends; {@link ReliabilityDoc} renders every such file into
 * {@code docs/RELIABILITY.md} after the integration tests, so the document always shows the figures of a real run.
 *
 * <p>A test builds one with {@link #scenario}, fills in the figures its checks computed (never constants), and calls
 * {@link #passed()} after its assertions, or {@link #failed(Throwable)} from a catch block before rethrowing.
 *
 * @see ReliabilityDoc
 */
public final class ReliabilityReport {

    /** Where scenario files go, relative to the module's working directory (failsafe runs in {@code app/}). */
    public static final Path DIR = Path.of("target", "reliability");

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();

    private ReliabilityReport(String id, String suite, String title) {
        if (!id.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("scenario id must be lower-case [a-z0-9.-]: " + id);
        }
        fields.put("id", id);
        fields.put("suite", Objects.requireNonNull(suite, "suite"));
        fields.put("title", Objects.requireNonNull(title, "title"));
    }

    /**
     * Starts a scenario's record.
     *
     * @param id file name and sort key, for example {@code fault.embed-worker-sigkill}
     * @param suite the section of the document, for example {@code Fault suite}, {@code Bad input}
     * @param title one line saying what the scenario does
     */
    public static ReliabilityReport scenario(String id, String suite, String title) {
        return new ReliabilityReport(id, suite, title);
    }

    /** Source events (or requests) the scenario sent. */
    public ReliabilityReport events(long n) {
        fields.put("events", n);
        return this;
    }

    /** Faults injected, with what they were (for example {@code 5, "SIGKILL of the embed worker JVM"}). */
    public ReliabilityReport faults(long n, String what) {
        fields.put("faults", n);
        fields.put("faultKind", what);
        return this;
    }

    /** Entities the source holds but the store does not (should be 0). */
    public ReliabilityReport lost(long n) {
        fields.put("lost", n);
        return this;
    }

    /** Points or records beyond the expected ones (should be 0). */
    public ReliabilityReport duplicated(long n) {
        fields.put("duplicated", n);
        return this;
    }

    /** Entities stored at an older version than the source's latest, deleted entities still stored, or stale cache answers (should be 0). */
    public ReliabilityReport stale(long n) {
        fields.put("stale", n);
        return this;
    }

    /** Any other figure worth printing (dead-lettered, retries, rebalances, max batch ms, ...), in insertion order. */
    public ReliabilityReport figure(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    /** Records the scenario as passed (call after the assertions) and writes its file. */
    public void passed() {
        write("passed", null);
    }

    /** Records the scenario as failed with {@code error}'s message and writes its file. */
    public void failed(Throwable error) {
        write("failed", String.valueOf(error));
    }

    private void write(String outcome, String error) {
        Map<String, Object> out = new LinkedHashMap<>(fields);
        out.put("outcome", outcome);
        if (error != null) {
            out.put("error", error);
        }
        out.put("figures", figures);
        out.put("seconds", Math.round(Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 100.0) / 10.0);
        out.put("ranAt", Instant.now().toString());
        try {
            Files.createDirectories(DIR);
            Path tmp = Files.createTempFile(DIR, fields.get("id") + "", ".tmp");
            JSON.writeValue(tmp.toFile(), out);
            Files.move(tmp, DIR.resolve(fields.get("id") + ".json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every scenario file in {@code dir}, sorted by id. */
    static java.util.List<Map<String, Object>> readAll(Path dir) throws IOException {
        java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.readValue(p.toFile(), Map.class);
                out.add(m);
            }
        }
        return out;
    }
}

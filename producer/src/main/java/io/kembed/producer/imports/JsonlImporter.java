package io.kembed.producer.imports;

import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.InvalidEventException;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.imports.InputFiles.Input;
import io.kembed.producer.imports.LineReader.Line;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Imports a JSONL file, plain or gzip (recognised by its magic bytes, whatever its name), publishing one change
 * event per line through a {@link ChangePublisher} with a {@link FieldMapping}.
 *
 * <p>Nothing is dropped silently: every line is either published, or written with its reason to the
 * {@linkplain ImportOptions#rejectsFile() rejects file} (malformed JSON, a row the mapping cannot map, an event that
 * fails validation, a record Kafka refuses), or counted as blank. Publishing is asynchronous and bounded by the
 * producer's {@code buffer.memory}; the import returns after a final flush, when every event is acknowledged.
 *
 * <p>Failures Kafka reports for one record ({@code RecordTooLargeException}, ...) become rejects. Any other send
 * failure means the client already retried up to {@code delivery.timeout.ms}: the import stops reading and throws
 * {@link ImportException}. Re-running the import is safe: events are keyed by entity and versioned.
 *
 * <p>An instance holds no state between runs; one run at a time per thread.
 */
public final class JsonlImporter {

    /** How often {@link ImportListener#onProgress} is called, in ms. */
    public static final long PROGRESS_INTERVAL_MS = 200;

    private final ChangePublisher publisher;
    private final FieldMapping mapping;
    private final Clock clock;

    /**
     * @param publisher where the events go; the caller keeps ownership (the importer flushes but never closes it)
     */
    public JsonlImporter(ChangePublisher publisher, FieldMapping mapping) {
        this(publisher, mapping, Clock.systemUTC());
    }

    /** @param clock gives the {@code now-millis} version (read once per run) */
    public JsonlImporter(ChangePublisher publisher, FieldMapping mapping, Clock clock) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Imports {@code input}.
     *
     * @return the counts, after every published event was acknowledged
     * @throws IOException if the input cannot be read (including a truncated or corrupt gzip stream) or the rejects
     *     file cannot be written; events sent until then stay published
     * @throws InterruptedException if the thread is interrupted; the import stops at the current line
     * @throws ImportException if Kafka fails in a way not tied to one record; carries the counts so far
     */
    public ImportSummary run(Path input, ImportOptions options, ImportListener listener)
            throws IOException, InterruptedException, ImportException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        try {
            return runInterruptibly(input, options, listener);
        } catch (ClosedByInterruptException e) {
            // File channels close themselves when the reading thread is interrupted; report it as what it is.
            Thread.interrupted();
            InterruptedException checked = new InterruptedException("interrupted while reading " + input);
            checked.initCause(e);
            throw checked;
        }
    }

    private ImportSummary runInterruptibly(Path input, ImportOptions options, ImportListener listener)
            throws IOException, InterruptedException, ImportException {
        long startNanos = System.nanoTime();
        long inputBytes = Files.size(input);
        OptionalLong total = options.countLinesFirst()
                ? OptionalLong.of(Math.min(InputFiles.countLines(input), options.maxLines()))
                : OptionalLong.empty();
        listener.onStart(input, total, inputBytes);
        Run run = new Run(options, listener, clock.millis());
        try (Input in = InputFiles.open(input); RejectsWriter rejects = RejectsWriter.create(options.rejectsFile())) {
            run.rejects = rejects;
            LineReader reader = new LineReader(in.content(), options.maxLineBytes());
            long lastProgress = System.nanoTime();
            Line line;
            while (run.read < options.maxLines() && run.fatal == null && (line = reader.next()) != null) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("import interrupted at line " + line.number());
                }
                run.read++;
                run.process(line);
                run.drainSendFailures();
                if (System.nanoTime() - lastProgress >= TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS)) {
                    listener.onProgress(run.read, total, in.bytesRead());
                    lastProgress = System.nanoTime();
                }
            }
            flush();
            run.drainSendFailures();
            listener.onProgress(run.read, total, in.bytesRead());
            ImportSummary summary = run.summary(in.bytesRead(), startNanos);
            listener.onFinish(summary);
            if (run.fatal != null) {
                throw new ImportException("import stopped after line " + run.read + ": "
                        + run.fatal.getClass().getSimpleName() + ": " + run.fatal.getMessage(), summary, run.fatal);
            }
            return summary;
        }
    }

    private void flush() throws InterruptedException {
        try {
            publisher.flush();
        } catch (InterruptException e) {
            throw interrupted(e);
        }
    }

    /** Kafka's unchecked InterruptException sets the interrupt flag; the checked exception carries it instead. */
    private static InterruptedException interrupted(InterruptException e) {
        Thread.interrupted();
        InterruptedException checked = new InterruptedException("interrupted while publishing");
        checked.initCause(e);
        return checked;
    }

    /** Whether a send failure is about that one record, so it is a reject rather than a reason to stop. */
    static boolean isRecordLevel(Throwable error) {
        return error instanceof RecordTooLargeException
                || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException;
    }

    /** The mutable state of one run. Counters written by the producer's I/O thread are atomic. */
    private final class Run {
        private final ImportOptions options;
        private final ImportListener listener;
        private final long nowMillis;
        private final AtomicLong published = new AtomicLong();
        private final Queue<SendFailure> sendFailures = new ConcurrentLinkedQueue<>();
        private RejectsWriter rejects;
        private long read;
        private long rejected;
        private long blank;
        private long failed;
        private Throwable fatal;

        Run(ImportOptions options, ImportListener listener, long nowMillis) {
            this.options = options;
            this.listener = listener;
            this.nowMillis = nowMillis;
        }

        void process(Line line) throws IOException, InterruptedException {
            if (line.isBlank()) {
                blank++;
                return;
            }
            if (line.tooLong()) {
                reject(line, RowMappingException.Reason.LINE_TOO_LONG.name(), "line is " + line.length()
                        + " bytes, more than the limit of " + options.maxLineBytes());
                return;
            }
            ChangeEvent event;
            try {
                event = RowMapper.map(RowMapper.parse(line.bytes()), mapping, nowMillis, clock.instant());
            } catch (RowMappingException e) {
                reject(line, e.reason().name(), e.getMessage());
                return;
            }
            try {
                publisher.publish(event).whenComplete((metadata, error) -> {
                    if (error == null) {
                        published.incrementAndGet();
                    } else {
                        sendFailures.add(new SendFailure(line, error));
                    }
                });
            } catch (InvalidEventException e) {
                reject(line, e.reason().name(), e.getMessage());
            } catch (InterruptException e) {
                throw interrupted(e);
            } catch (KafkaException | IllegalStateException e) {
                // The producer is closed or in a fatal state: no later send can succeed.
                failed++;
                fatal = e;
            }
        }

        void drainSendFailures() throws IOException {
            SendFailure f;
            while ((f = sendFailures.poll()) != null) {
                if (isRecordLevel(f.error())) {
                    reject(f.line(), Rejection.RECORD_REJECTED,
                            f.error().getClass().getSimpleName() + ": " + f.error().getMessage());
                } else {
                    failed++;
                    if (fatal == null) {
                        fatal = f.error();
                    }
                }
            }
        }

        private void reject(Line line, String reason, String message) throws IOException {
            Rejection r = new Rejection(line.number(), reason, message,
                    new String(line.bytes(), StandardCharsets.UTF_8));
            rejects.write(r);
            rejected++;
            listener.onReject(r);
        }

        ImportSummary summary(long bytes, long startNanos) {
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            return new ImportSummary(read, published.get(), rejected, blank, failed, bytes, elapsedMs);
        }
    }

    private record SendFailure(Line line, Throwable error) {
    }
}

package io.kembed.embed.stream;

import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.InvalidEventException;
import io.kembed.core.event.Op;
import io.kembed.core.kafka.DeadLetters;
import io.kembed.core.vector.ChunkVector;
import io.kembed.core.vector.EmbeddingRecord;
import io.kembed.core.vector.EmbeddingRecordCodec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedMetrics;
import io.kembed.embed.InferenceLane;
import io.kembed.embed.EmbedMetrics.Outcome;
import io.kembed.embed.PassageEmbedding;
import io.kembed.embed.PassageEncoder;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.embed.TextChunk;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-entity logic of the embed worker, one instance per Streams task (partition):
 *
 * <ol>
 *   <li>decode and validate; an invalid record goes to the dead-letter topic with its reason;</li>
 *   <li>compare the version with the entity's state and the buffer: older is ignored ({@code stale}), equal is
 *       a duplicate; a delete or tombstone is applied at once;</li>
 *   <li>an upsert whose text hash equals the embedded one produces no vector ({@code unchanged});</li>
 *   <li>other upserts wait in a changelogged buffer (one entry per entity: a newer version replaces an older
 *       one) and are embedded together, sorted by length, when the buffer is full or the flush interval
 *       passes, within the stream thread's time budget between two polls; a change whose inference fails is
 *       isolated by splitting its batch and dead-lettered (see {@link #flush()}).</li>
 * </ol>
 * Everything this processor writes (vectors, dead letters, both stores) commits in the same Kafka transaction
 * as the input offsets (exactly-once v2), so a crash never leaves half a batch behind.
 */
final class EmbedProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedProcessor.class);

    /** Texts per embedding call of a flush: a slice's inference time is what the budget may overshoot by. */
    static final int SLICE_TEXTS = 32;
    /** Dead-letter reason of a change whose inference fails even alone. */
    static final String EMBED_FAILED = "EMBED_FAILED";
    /** Dead-letter reason of a record whose decoding failed in an unforeseen way (not an InvalidEventException). */
    static final String DECODE_FAILED = "DECODE_FAILED";

    private final BiEncoder encoder;
    private final PassageEncoder passages;
    private final InferenceLane lane;
    private final ChangeEventCodec codec;
    private final EmbedMetrics metrics;
    private final int maxPending;
    private final Duration flushInterval;
    private final int overlapTokens;
    private final Duration flushBudget;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, EntityState> states;
    private KeyValueStore<String, PendingChange> pending;
    private String taskId;
    /** Wall-clock ms when the oldest change in {@link #pending} arrived, or {@link #NONE_PENDING}. */
    private long oldestPendingMs = NONE_PENDING;

    private static final long NONE_PENDING = Long.MIN_VALUE;

    EmbedProcessor(BiEncoder encoder, PassageEncoder passages, InferenceLane lane, ChangeEventCodec codec,
            EmbedMetrics metrics, int maxPending, Duration flushInterval, int overlapTokens, Duration flushBudget) {
        this.encoder = encoder;
        this.passages = passages;
        this.flushBudget = flushBudget;
        this.lane = lane;
        this.codec = codec;
        this.metrics = metrics;
        this.maxPending = maxPending;
        this.flushInterval = flushInterval;
        this.overlapTokens = overlapTokens;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> ctx) {
        this.context = ctx;
        this.states = ctx.getStateStore(EmbedTopology.STATE_STORE);
        this.pending = ctx.getStateStore(EmbedTopology.PENDING_STORE);
        this.taskId = ctx.taskId().toString();
        updatePendingGauge();
        if (pending.approximateNumEntries() > 0) {
            oldestPendingMs = ctx.currentSystemTimeMs(); // restored from the changelog: due one interval from now
        }
        // Flush by the age of the oldest buffered change, checked often, not every flushInterval since the last
        // flush: after a long flush the punctuation is overdue at once and would embed (and commit) the one or two
        // changes that arrived meanwhile, one transaction each, instead of letting the buffer fill.
        long checkMs = Math.max(10, flushInterval.toMillis() / 4);
        ctx.schedule(Duration.ofMillis(checkMs), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
    }

    private void flushIfDue(long nowMs) {
        if (oldestPendingMs != NONE_PENDING && nowMs - oldestPendingMs >= flushInterval.toMillis()) {
            flush();
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        ChangeEventCodec.Decoded decoded;
        try {
            decoded = codec.decode(utf8(record.key()), record.value());
        } catch (InvalidEventException e) {
            deadLetter(record.key(), record.value(), origin.topic(), origin.partition(), origin.offset(),
                    e.reason().name(), e);
            return;
        } catch (RuntimeException e) {
            // Decoding is pure: anything else it throws is a decoder bug this record trips, not a worker fault.
            // Dead-letter it rather than let the stream thread die and retry the same record forever.
            deadLetter(record.key(), record.value(), origin.topic(), origin.partition(), origin.offset(),
                    DECODE_FAILED, e);
            return;
        }
        String key = decoded.key().toKafkaKey();
        EntityState state = states.get(key);
        PendingChange buffered = pending.get(key);
        long latest = Math.max(state == null ? -1 : state.version(), buffered == null ? -1 : buffered.version());

        if (decoded.event() == null) {
            // A tombstone carries no version: it always applies, and keeps the latest version known.
            applyDelete(decoded.key(), Math.max(latest, 0), null, buffered != null);
            return;
        }
        ChangeEvent event = decoded.event();
        if (event.version() < latest) {
            metrics.count(Outcome.STALE);
            return;
        }
        if (event.version() == latest) {
            metrics.count(Outcome.DUPLICATE);
            return;
        }
        if (event.op() == Op.DELETE) {
            applyDelete(decoded.key(), event.version(), event, buffered != null);
            return;
        }
        byte[] hash = sha256(event.embeddableText());
        if (buffered == null && state != null && state.sameText(hash)) {
            states.put(key, new EntityState(event.version(), hash, state.chunkCount(), false));
            metrics.count(Outcome.UNCHANGED);
            return;
        }
        if (buffered != null) {
            metrics.count(Outcome.SUPERSEDED);
        }
        pending.put(key, new PendingChange(event.version(), hash, record.value(), origin.topic(),
                origin.partition(), origin.offset()));
        if (oldestPendingMs == NONE_PENDING) {
            oldestPendingMs = context.currentSystemTimeMs();
        }
        updatePendingGauge();
        if (pending.approximateNumEntries() >= maxPending) {
            flush();
        }
    }

    private void applyDelete(EntityKey key, long version, ChangeEvent event, boolean wasBuffered) {
        String k = key.toKafkaKey();
        if (wasBuffered) {
            pending.delete(k);
            metrics.count(Outcome.SUPERSEDED);
            updatePendingGauge();
        }
        states.put(k, EntityState.deleted(version));
        EmbeddingRecord out = EmbeddingRecord.delete(key, version, encoder.spec().id(), encoder.spec().dims(),
                event == null ? null : event.occurredAt()).withModelRevision(encoder.spec().revision());
        context.forward(new Record<>(k.getBytes(StandardCharsets.UTF_8), EmbeddingRecordCodec.encode(out),
                context.currentSystemTimeMs()), EmbedTopology.VECTORS_SINK);
        metrics.count(Outcome.DELETED);
    }

    /**
     * Embeds the buffered changes of this task and forwards their vectors, within this stream thread's time budget.
     *
     * <p><b>Bounded time.</b> Streams polls only between its processing loops, and every task of a thread flushes on
     * that thread, so the budget ({@link EmbedWorkerConfig#flushBudget()}, half of {@code max.poll.interval.ms} or of
     * the transaction timeout, whichever is smaller) counts from the thread's last poll ({@link PollClock}), not from
     * the start of this flush. The changes are embedded in slices of similar length (at most {@link #SLICE_TEXTS}
     * texts, a change never split); no slice starts once the budget is spent, and a flush whose thread has spent it
     * already does nothing. What is left stays buffered (changelogged) and is due at once: the next punctuation after
     * the next poll embeds it. So the time between two polls is at most the budget plus one slice plus the commit.
     *
     * <p><b>Poison isolation.</b> A slice whose inference fails is split in two and each half embedded again, down to
     * the single change that fails, which goes to the dead-letter topic ({@code EMBED_FAILED}); the rest of the slice
     * and every later change are embedded. A failure while the encoder is closed (shutdown) is rethrown instead, so
     * the transaction aborts and nothing is dead-lettered for it.
     */
    void flush() {
        long start = System.nanoTime();
        long deadline = PollClock.lastPollNanos(start) + flushBudget.toNanos();
        if (start - deadline >= 0) {
            metrics.flushDeferred(); // this thread has used its share of max.poll.interval.ms: wait for a poll
            return;
        }
        List<KeyValue<String, PendingChange>> items = new ArrayList<>();
        try (KeyValueIterator<String, PendingChange> it = pending.all()) {
            it.forEachRemaining(items::add);
        }
        oldestPendingMs = NONE_PENDING;
        if (items.isEmpty()) {
            return;
        }
        List<Prepared> prepared = new ArrayList<>(items.size());
        for (KeyValue<String, PendingChange> item : items) {
            Prepared p = prepare(item.key, item.value);
            if (p != null) {
                prepared.add(p);
            }
        }
        prepared.sort(Comparator.comparingInt(Prepared::chars));
        int done = 0;
        for (List<Prepared> slice : slices(prepared)) {
            if (done > 0 && System.nanoTime() - deadline >= 0) {
                // Out of budget: the rest stays buffered and is due now (embedded after the next poll).
                oldestPendingMs = context.currentSystemTimeMs() - flushInterval.toMillis();
                metrics.flushDeferred();
                break;
            }
            embedIsolating(slice);
            done += slice.size();
        }
        finishFlush(done, start);
    }

    /** Decodes a buffered change and cuts its texts; a change that cannot be is dead-lettered (null). */
    private Prepared prepare(String key, PendingChange change) {
        ChangeEvent event;
        try {
            // Validated when it was buffered; fails only if the limits changed since (a restart with other limits).
            event = codec.decodeValue(change.value());
        } catch (InvalidEventException e) {
            pending.delete(key);
            deadLetter(key.getBytes(StandardCharsets.UTF_8), change.value(), change.topic(), change.partition(),
                    change.offset(), e.reason().name(), e);
            return null;
        }
        try {
            return new Prepared(key, change, event, textsOf(event));
        } catch (RuntimeException e) {
            if (!encoder.isOpen()) {
                throw e;
            }
            pending.delete(key);
            deadLetter(key.getBytes(StandardCharsets.UTF_8), change.value(), change.topic(), change.partition(),
                    change.offset(), EMBED_FAILED, e);
            return null;
        }
    }

    /** Consecutive changes (sorted by length) grouped into slices of at most {@link #SLICE_TEXTS} texts. */
    static <T> List<List<T>> slices(List<T> changes, java.util.function.ToIntFunction<T> textCount, int maxTexts) {
        List<List<T>> out = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int texts = 0;
        for (T c : changes) {
            int n = textCount.applyAsInt(c);
            if (!current.isEmpty() && texts + n > maxTexts) {
                out.add(current);
                current = new ArrayList<>();
                texts = 0;
            }
            current.add(c);
            texts += n;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static List<List<Prepared>> slices(List<Prepared> prepared) {
        return slices(prepared, p -> p.texts().size(), SLICE_TEXTS);
    }

    /** Embeds a group of changes; if inference fails, splits it in two and retries each half (bisection). */
    private void embedIsolating(List<Prepared> group) {
        List<String> texts = new ArrayList<>();
        for (Prepared p : group) {
            texts.addAll(p.texts());
        }
        List<PassageEmbedding> vectors;
        try {
            vectors = passages.embed(texts, lane);
        } catch (RuntimeException failure) {
            if (!encoder.isOpen()) {
                throw failure; // shutting down: abort the transaction, dead-letter nothing
            }
            if (group.size() == 1) {
                Prepared p = group.get(0);
                pending.delete(p.key());
                deadLetter(p.key().getBytes(StandardCharsets.UTF_8), p.change().value(), p.change().topic(),
                        p.change().partition(), p.change().offset(), EMBED_FAILED, failure);
                return;
            }
            LOG.warn("inference failed for a batch of {} changes ({}); splitting it to isolate the failing change",
                    group.size(), failure.toString());
            metrics.batchSplit();
            int half = group.size() / 2;
            embedIsolating(group.subList(0, half));
            embedIsolating(group.subList(half, group.size()));
            return;
        }
        int first = 0;
        for (Prepared p : group) {
            int n = p.texts().size();
            emit(p, p.texts(), vectors.subList(first, first + n));
            first += n;
        }
    }

    private void finishFlush(int changes, long start) {
        metrics.flushed(changes, System.nanoTime() - start);
        updatePendingGauge();
        // Commit the transaction with this batch's vectors now: Streams would otherwise keep processing (and
        // flushing) within one transaction, whose age is bounded by transaction.timeout.ms, and hold the vectors
        // back from read_committed consumers.
        context.commit();
    }

    private void emit(Prepared p, List<String> texts, List<PassageEmbedding> vectors) {
        List<ChunkVector> chunks = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            PassageEmbedding v = vectors.get(i);
            chunks.add(new ChunkVector(i, v.tokens(), v.truncated(), texts.get(i), v.vector()));
            metrics.embedded(v.tokens(), v.truncated());
        }
        EntityState previous = states.get(p.key);
        int previousChunks = previous == null || previous.deleted() ? 0 : previous.chunkCount();
        EmbeddingRecord out = EmbeddingRecord.upsert(p.event.key(), p.event.version(), encoder.spec().id(),
                encoder.spec().dims(), p.event.occurredAt(), p.event.displayTitle(), chunks, previousChunks)
                .withModelRevision(encoder.spec().revision());
        context.forward(new Record<>(p.key.getBytes(StandardCharsets.UTF_8), EmbeddingRecordCodec.encode(out),
                context.currentSystemTimeMs()), EmbedTopology.VECTORS_SINK);
        states.put(p.key, new EntityState(p.event.version(), p.change.textHash(), chunks.size(), false));
        pending.delete(p.key);
        metrics.count(Outcome.EMBEDDED);
    }

    /** Contacts embed as one (possibly truncated) passage; documents split into overlapping chunks. */
    private List<String> textsOf(ChangeEvent event) {
        String text = event.embeddableText();
        if (event instanceof DocumentEvent) {
            List<TextChunk> chunks = encoder.chunk(text, overlapTokens);
            List<String> out = new ArrayList<>(chunks.size());
            for (TextChunk c : chunks) {
                out.add(c.text());
            }
            return out;
        }
        return List.of(text);
    }

    private void deadLetter(byte[] key, byte[] value, String topic, int partition, long offset, String reason,
            Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetters.addHeaders(headers, "embed", topic, partition, offset, reason, error);
        context.forward(new Record<>(key, value, context.currentSystemTimeMs(), headers), EmbedTopology.DLQ_SINK);
        metrics.deadLettered(reason);
        LOG.warn("dead-lettered {}-{}@{}: {} {}", topic, partition, offset, reason, error.getMessage());
    }

    private void updatePendingGauge() {
        metrics.pending(taskId, pending.approximateNumEntries());
    }

    @Override
    public void close() {
        metrics.pending(taskId, 0);
    }

    /** Strict UTF-8: a key that is not valid UTF-8 is a bad key, not a silently mangled one. */
    private static String utf8(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidEventException(InvalidEventException.Reason.BAD_KEY, "record key is not valid UTF-8", e);
        }
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }

    private record Prepared(String key, PendingChange change, ChangeEvent event, List<String> texts) {

        int chars() {
            int n = 0;
            for (String t : texts) {
                n += t.length();
            }
            return n;
        }
    }
}

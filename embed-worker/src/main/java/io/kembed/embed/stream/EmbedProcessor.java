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
import io.kembed.embed.TextChunk;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
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
 *       one) and are embedded together, sorted by token length, when the buffer is full or the flush interval
 *       passes.</li>
 * </ol>
 * Everything this processor writes (vectors, dead letters, both stores) commits in the same Kafka transaction
 * as the input offsets (exactly-once v2), so a crash never leaves half a batch behind.
 */
final class EmbedProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedProcessor.class);

    private final BiEncoder encoder;
    private final InferenceLane lane;
    private final ChangeEventCodec codec;
    private final EmbedMetrics metrics;
    private final int maxPending;
    private final Duration flushInterval;
    private final int overlapTokens;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, EntityState> states;
    private KeyValueStore<String, PendingChange> pending;
    private String taskId;
    /** Wall-clock ms when the oldest change in {@link #pending} arrived, or {@link #NONE_PENDING}. */
    private long oldestPendingMs = NONE_PENDING;

    private static final long NONE_PENDING = Long.MIN_VALUE;

    EmbedProcessor(BiEncoder encoder, InferenceLane lane, ChangeEventCodec codec, EmbedMetrics metrics,
            int maxPending, Duration flushInterval, int overlapTokens) {
        this.encoder = encoder;
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
                event == null ? null : event.occurredAt());
        context.forward(new Record<>(k.getBytes(StandardCharsets.UTF_8), EmbeddingRecordCodec.encode(out),
                context.currentSystemTimeMs()), EmbedTopology.VECTORS_SINK);
        metrics.count(Outcome.DELETED);
    }

    /** Embeds every buffered change of this task in one length-sorted call and forwards the vectors. */
    void flush() {
        List<KeyValue<String, PendingChange>> items = new ArrayList<>();
        try (KeyValueIterator<String, PendingChange> it = pending.all()) {
            it.forEachRemaining(items::add);
        }
        oldestPendingMs = NONE_PENDING;
        if (items.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        List<Prepared> prepared = new ArrayList<>(items.size());
        List<String> texts = new ArrayList<>();
        for (KeyValue<String, PendingChange> item : items) {
            ChangeEvent event = codec.decodeValue(item.value.value());
            List<String> chunkTexts = textsOf(event);
            prepared.add(new Prepared(item.key, item.value, event, texts.size(), chunkTexts.size()));
            texts.addAll(chunkTexts);
        }
        List<PassageEmbedding> vectors;
        try {
            vectors = encoder.embedPassages(texts, lane);
        } catch (RuntimeException batchFailure) {
            LOG.warn("batch of {} changes failed to embed ({}); isolating the failing records one by one",
                    prepared.size(), batchFailure.toString());
            for (Prepared p : prepared) {
                embedAlone(p, texts.subList(p.firstText, p.firstText + p.textCount));
            }
            finishFlush(prepared.size(), start);
            return;
        }
        for (Prepared p : prepared) {
            emit(p, texts.subList(p.firstText, p.firstText + p.textCount),
                    vectors.subList(p.firstText, p.firstText + p.textCount));
        }
        finishFlush(prepared.size(), start);
    }

    private void finishFlush(int changes, long start) {
        metrics.flushed(changes, System.nanoTime() - start);
        updatePendingGauge();
        // Commit the transaction with this batch's vectors now: Streams would otherwise keep processing (and
        // flushing) within one transaction, whose age is bounded by transaction.timeout.ms, and hold the vectors
        // back from read_committed consumers.
        context.commit();
    }

    private void embedAlone(Prepared p, List<String> texts) {
        try {
            emit(p, texts, encoder.embedPassages(texts, lane));
        } catch (RuntimeException e) {
            pending.delete(p.key);
            deadLetter(p.key.getBytes(StandardCharsets.UTF_8), p.change.value(), p.change.topic(),
                    p.change.partition(), p.change.offset(), "EMBED_FAILED", e);
        }
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
                encoder.spec().dims(), p.event.occurredAt(), p.event.displayTitle(), chunks, previousChunks);
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

    private record Prepared(String key, PendingChange change, ChangeEvent event, int firstText, int textCount) {
    }
}

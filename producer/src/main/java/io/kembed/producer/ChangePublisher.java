package io.kembed.producer;

import io.kembed.core.event.ChangeEvent;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.EntityKey;
import io.kembed.core.event.InvalidEventException;
import io.kembed.core.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes change events to kembed's compacted change topics: the SDK an upstream app calls whenever a contact
 * or document changes. Thread-safe; share one instance per app and close it on shutdown.
 *
 * <p>Each event goes to {@link TopicNames#changes(io.kembed.core.event.EntityType) its type's change topic}, keyed by
 * {@link EntityKey#toKafkaKey()}, so all events of one entity stay on one partition, in order, and compaction keeps
 * the latest. The producer is idempotent with {@code acks=all} (see {@link PublisherConfig}). An event is validated
 * before anything is sent, with the same strict decoder the workers use, so a bad event fails in the caller, not
 * later in a dead-letter topic.
 *
 * <pre>{@code
 * try (ChangePublisher publisher = new ChangePublisher(PublisherConfig.of("localhost:9092"))) {
 *     ContactEvent jane = ContactEvent.upsert("acme", "c-42", 7, "Jane Doe", "Acme", "CEO",
 *             "Leads the EU expansion.", List.of("retail", "logistics"));
 *     publisher.publish(jane)                       // throws InvalidEventException if jane is invalid
 *             .whenComplete((metadata, error) -> {  // runs on the producer's I/O thread: do not block here
 *                 if (error != null) {
 *                     log.error("not published: {}", jane.key(), error);
 *                 }
 *             });
 *     publisher.publishTombstone(EntityKey.contact("acme", "c-13"));  // delete c-13
 * }
 * }</pre>
 *
 * <p>Failures: an invalid event throws {@link InvalidEventException} synchronously. Transient broker errors are
 * retried by the client until {@code delivery.timeout.ms} (120 s by default); after that, or for a record-level error
 * such as {@code RecordTooLargeException}, the returned future completes exceptionally. Publishing the same event
 * twice is harmless: consumers compare {@link ChangeEvent#version() versions}.
 */
public final class ChangePublisher implements AutoCloseable {

    /** How long {@link #close()} waits for unacknowledged events before failing them. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<byte[], byte[]> producer;
    private final TopicNames topics;
    private final ChangeEventCodec codec;

    /**
     * Creates a publisher with its own {@code KafkaProducer}. Does not contact the broker yet.
     *
     * @throws org.apache.kafka.common.KafkaException if the client rejects the configuration (for example an
     *     unknown SASL mechanism)
     */
    public ChangePublisher(PublisherConfig config) {
        this(new KafkaProducer<>(config.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer()),
                config.topics(), new ChangeEventCodec());
    }

    /**
     * Creates a publisher over an existing producer, for tests ({@code MockProducer}) or custom clients. The
     * publisher takes ownership: {@link #close()} closes {@code producer}.
     *
     * @param codec validates events before sending; its limits should match the workers'
     */
    public ChangePublisher(Producer<byte[], byte[]> producer, TopicNames topics, ChangeEventCodec codec) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * Validates {@code event} and sends it to its change topic.
     *
     * @return completes with the record's partition and offset once all in-sync replicas have it, or exceptionally
     *     when the client gives up; dependent stages run on the producer's I/O thread unless made async
     * @throws InvalidEventException if the event would be rejected by the workers (missing or blank ids, unknown
     *     schema, text over the byte limit, ...); nothing is sent
     * @throws org.apache.kafka.common.errors.InterruptException if interrupted while waiting for buffer space
     *     (the thread's interrupt flag is set)
     * @throws IllegalStateException if the publisher is closed
     */
    public CompletableFuture<RecordMetadata> publish(ChangeEvent event) {
        Objects.requireNonNull(event, "event");
        byte[] value = codec.encode(event);
        codec.decodeValue(value); // the workers' strict decoder: throws InvalidEventException
        return send(topics.changes(event.type()), event.key(), value);
    }

    /**
     * Sends a tombstone (null value) for {@code key}: the entity is deleted downstream, and compaction later
     * removes both the tombstone and the entity's older events from the change topic.
     *
     * @return as {@link #publish(ChangeEvent)}
     * @throws InvalidEventException if the tenant or id is blank, too long or contains control characters
     * @throws org.apache.kafka.common.errors.InterruptException as {@link #publish(ChangeEvent)}
     */
    public CompletableFuture<RecordMetadata> publishTombstone(EntityKey key) {
        Objects.requireNonNull(key, "key");
        codec.decode(key.toKafkaKey(), null); // same key checks as the workers apply to tombstones
        return send(topics.changes(key.type()), key, null);
    }

    /**
     * Publishes every event, flushes, and checks that each one was acknowledged: for batch jobs (benchmarks, backfills)
     * that must not go on with a silently incomplete backlog.
     *
     * @return the number of events published
     * @throws InvalidEventException as {@link #publish(ChangeEvent)}, for the first invalid event (those before it
     *     are sent)
     * @throws org.apache.kafka.common.KafkaException if any send failed: how many, and the first error as cause
     */
    public int publishAll(Iterable<? extends ChangeEvent> events) {
        java.util.List<CompletableFuture<RecordMetadata>> sends = new java.util.ArrayList<>();
        for (ChangeEvent event : events) {
            sends.add(publish(event));
        }
        flush();
        Throwable first = null;
        int failed = 0;
        for (CompletableFuture<RecordMetadata> send : sends) {
            try {
                send.join();
            } catch (java.util.concurrent.CompletionException e) {
                failed++;
                first = first == null ? e.getCause() : first;
            }
        }
        if (failed > 0) {
            throw new org.apache.kafka.common.KafkaException(failed + " of " + sends.size()
                    + " events were not acknowledged by the cluster", first);
        }
        return sends.size();
    }

    /**
     * Sends everything buffered and blocks until each send has completed (successfully or not).
     *
     * @throws org.apache.kafka.common.errors.InterruptException if interrupted (the interrupt flag is set)
     */
    public void flush() {
        producer.flush();
    }

    /** The topic names this publisher writes to. */
    public TopicNames topics() {
        return topics;
    }

    /**
     * Waits up to {@link #CLOSE_TIMEOUT} for buffered events to be acknowledged, then closes the producer; events
     * still unacknowledged then fail their futures.
     */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }

    private CompletableFuture<RecordMetadata> send(String topic, EntityKey key, byte[] value) {
        byte[] keyBytes = key.toKafkaKey().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, keyBytes, value), (metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(metadata);
            }
        });
        return result;
    }
}

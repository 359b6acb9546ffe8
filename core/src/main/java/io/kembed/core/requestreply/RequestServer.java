package io.kembed.core.requestreply;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Collection;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering side of Kafka request/reply: a consumer-group member on a requests topic (so several servers share
 * its partitions) whose one poll thread hands each poll's requests, together, to a {@link RequestHandler}, and sends
 * every reply to the reply-to topic and partition named in its request's headers, with the correlation id.
 *
 * <p>Never dies on one record: a record with malformed headers is logged and counted (it cannot be answered); a
 * request whose deadline has passed before handling is dropped, counted, and not answered; if the handler throws,
 * every request of that batch gets {@link RequestHandler#failurePayload}. Offsets are committed after the replies
 * of a poll are sent (at least once; a requester ignores a second reply as late). Stop with {@link #close()}: a
 * flag plus {@code consumer.wakeup()}; the batch in progress finishes and is answered first.
 */
public final class RequestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestServer.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** Counters since start. */
    public record Counters(long handled, long replied, long expired, long malformed, long handlerFailures) {
    }

    /**
     * @param groupId consumer group shared by every server of this requests topic
     * @param maxBatch most requests handed to the handler at once ({@code max.poll.records})
     * @param kafkaProperties passed to both clients untouched
     */
    public record Config(String bootstrapServers, String requestsTopic, String groupId, int maxBatch,
            Map<String, Object> kafkaProperties) {

        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(requestsTopic, "requestsTopic");
            Objects.requireNonNull(groupId, "groupId");
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
            }
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        /** Shows every field, with the values of secret Kafka properties as {@code [redacted]}. */
        @Override
        public String toString() {
            return "Config[bootstrapServers=" + bootstrapServers + ", requestsTopic=" + requestsTopic + ", groupId="
                    + groupId + ", maxBatch=" + maxBatch + ", kafkaProperties=" + io.kembed.core.ops.Redaction.redact(kafkaProperties) + "]";
        }
    }

    private final Config config;
    private final RequestHandler handler;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong replied = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private volatile boolean running = true;
    private volatile Set<TopicPartition> assignment = Set.of();
    private final List<KafkaClientMetrics> clientMetrics = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RequestServer(Config config, RequestHandler handler, Clock clock) {
        this.config = config;
        this.handler = handler;
        this.clock = clock;
        Map<String, Object> c = new HashMap<>(config.kafkaProperties());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "kembed-request-server-" + config.requestsTopic());
    }

    /** Subscribes and starts the poll thread. */
    public static RequestServer start(Config config, RequestHandler handler) {
        return start(config, handler, Clock.systemUTC());
    }

    static RequestServer start(Config config, RequestHandler handler, Clock clock) {
        RequestServer server = new RequestServer(config, Objects.requireNonNull(handler, "handler"), clock);
        server.consumer.subscribe(List.of(config.requestsTopic()), server.new AssignmentTracker());
        server.thread.start();
        return server;
    }

    /** The requests-topic partitions this server owns now (empty before it joins its group). */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** Keeps {@link #assignment()} readable from other threads (the consumer itself is not thread-safe). */
    private final class AssignmentTracker implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<TopicPartition> now = new java.util.HashSet<>(assignment);
            now.removeAll(partitions);
            assignment = Set.copyOf(now);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<TopicPartition> now = new java.util.HashSet<>(assignment);
            now.addAll(partitions);
            assignment = Set.copyOf(now);
        }
    }

    /**
     * Binds the Kafka consumer's and producer's own metrics ({@code kafka_consumer_*}, {@code kafka_producer_*}:
     * fetch and request rates, records-lag per partition) to {@code registry}, through Micrometer's
     * {@link KafkaClientMetrics}; they are unbound when the server stops.
     */
    public void bindClientMetrics(MeterRegistry registry) {
        for (KafkaClientMetrics m : List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(producer))) {
            m.bindTo(registry);
            clientMetrics.add(m);
        }
    }

    /** @return true while the poll thread runs (it ends on {@link #close()} or an unexpected error) */
    public boolean isAlive() {
        return thread.isAlive();
    }

    public Counters counters() {
        return new Counters(handled.get(), replied.get(), expired.get(), malformed.get(), handlerFailures.get());
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                serve(records);
                consumer.commitAsync();
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("unexpected wakeup; request server on {} stops", config.requestsTopic(), e);
            }
        } catch (RuntimeException e) {
            LOG.error("request server on {} stops", config.requestsTopic(), e);
        } finally {
            clientMetrics.forEach(KafkaClientMetrics::close);
            try {
                consumer.commitSync(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("final commit failed: {}", e.toString());
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void serve(ConsumerRecords<byte[], byte[]> records) {
        List<Request> batch = new ArrayList<>(records.count());
        long now = clock.millis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Request request;
            try {
                request = RequestReplyHeaders.parse(r.headers(), r.key(), r.value());
            } catch (MalformedRequestException e) {
                malformed.incrementAndGet();
                LOG.warn("malformed request at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                continue;
            }
            if (request.expired(now)) {
                expired.incrementAndGet();
                LOG.debug("request {} expired {} ms ago; dropped", request.correlationId(), -request.remainingMs(now));
                continue;
            }
            batch.add(request);
        }
        if (batch.isEmpty()) {
            return;
        }
        handled.addAndGet(batch.size());
        List<Reply> replies;
        try {
            replies = handler.handle(List.copyOf(batch));
        } catch (RuntimeException e) {
            handlerFailures.incrementAndGet();
            LOG.warn("handler failed on a batch of {}; sending error replies", batch.size(), e);
            replies = new ArrayList<>(batch.size());
            for (Request request : batch) {
                replies.add(request.reply(handler.failurePayload(request, e)));
            }
        }
        for (Reply reply : replies) {
            send(reply);
        }
    }

    private void send(Reply reply) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(reply.replyTo(),
                reply.replyPartition() == Request.NO_PARTITION ? null : reply.replyPartition(), null,
                reply.payload());
        record.headers().add(RequestReplyHeaders.CORRELATION_ID, RequestReplyHeaders.utf8(reply.correlationId()));
        try {
            producer.send(record, (m, e) -> {
                if (e != null) {
                    LOG.warn("reply {} to {} not sent: {}", reply.correlationId(), reply.replyTo(), e.toString());
                } else {
                    replied.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("reply {} to {} not sent: {}", reply.correlationId(), reply.replyTo(), e.toString());
        }
    }

    /** Stops polling (flag plus {@code consumer.wakeup()}), waits for the batch in progress, and closes the clients. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

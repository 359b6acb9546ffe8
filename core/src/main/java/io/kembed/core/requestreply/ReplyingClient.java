package io.kembed.core.requestreply;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * The requesting side of Kafka request/reply (after spring-kafka's {@code ReplyingKafkaTemplate}): one producer
 * and one consumer <em>assigned</em> (no consumer group) to one partition of its reply topic, so every client has
 * its own reply topic or its own partition of a shared one. Steps of {@link #request}: register the pending future
 * under a random correlation id, send, remove it if the send fails, fail it with {@link RequestTimeoutException}
 * when the timeout passes, and count replies that find no pending request (late or unknown).
 *
 * <p>The reply consumer starts at the end of the reply partition, so replies to an earlier client with the same
 * reply topic are not read. Thread-safe; {@link #close()} fails every pending request.
 */
public final class ReplyingClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyingClient.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** Snapshot of the counters since start. {@code pending} is the number of requests awaiting a reply now. */
    public record Counters(long sent, long replied, long timedOut, long late, long sendFailed, int pending) {
    }

    /**
     * @param bootstrapServers Kafka cluster
     * @param replyTopic the topic replies come back on; must exist
     * @param replyPartition the partition of {@code replyTopic} this client reads, {@code >= 0}
     * @param kafkaProperties passed to both clients untouched (security settings and the like)
     */
    public record Config(String bootstrapServers, String replyTopic, int replyPartition,
            Map<String, Object> kafkaProperties) {

        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(replyTopic, "replyTopic");
            if (replyPartition < 0) {
                throw new IllegalArgumentException("replyPartition must be >= 0, got " + replyPartition);
            }
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        /** Shows every field, with the values of secret Kafka properties as {@code [redacted]}. */
        @Override
        public String toString() {
            return "Config[bootstrapServers=" + bootstrapServers + ", replyTopic=" + replyTopic + ", replyPartition="
                    + replyPartition + ", kafkaProperties=" + io.kembed.core.ops.Redaction.redact(kafkaProperties) + "]";
        }
    }

    private final Config config;
    private final Clock clock;
    private final PendingRequests pending = new PendingRequests();
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ScheduledExecutorService timer;
    private final Thread replyThread;
    private volatile boolean running = true;

    public ReplyingClient(Config config) {
        this(config, Clock.systemUTC());
    }

    ReplyingClient(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0); // a request waits for nobody
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>(config.kafkaProperties());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, never a group member
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10); // replies are latency-bound
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(config.replyTopic(), config.replyPartition());
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp); // resolve the end now, so replies to requests sent from here on are read
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kembed-reply-timeouts-" + config.replyTopic());
            t.setDaemon(true);
            return t;
        });
        this.replyThread = new Thread(this::pollReplies, "kembed-replies-" + config.replyTopic());
        replyThread.setDaemon(true);
        replyThread.start();
    }

    /**
     * Sends {@code payload} to {@code topic} and returns the reply's payload.
     *
     * @param key record key (for example the request id; may be null)
     * @param timeout how long to wait; also sent as the deadline ({@code now + timeout}, epoch ms)
     * @return a future that completes with the reply payload, or exceptionally with {@link RequestTimeoutException},
     *     the send failure, or {@link IllegalStateException} if the client closes first
     */
    public CompletableFuture<byte[]> request(String topic, byte[] key, byte[] payload, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("client closed"));
        }
        String correlationId = UUID.randomUUID().toString();
        long deadlineMs = clock.millis() + timeout.toMillis();
        CompletableFuture<byte[]> future = pending.register(correlationId);
        ScheduledFuture<?> timeoutTask = timer.schedule(
                () -> pending.timeOut(correlationId, new RequestTimeoutException(correlationId, timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        future.whenComplete((r, e) -> timeoutTask.cancel(false));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, payload);
        record.headers()
                .add(RequestReplyHeaders.CORRELATION_ID, RequestReplyHeaders.utf8(correlationId))
                .add(RequestReplyHeaders.REPLY_TO, RequestReplyHeaders.utf8(config.replyTopic()))
                .add(RequestReplyHeaders.REPLY_PARTITION, RequestReplyHeaders.int32(config.replyPartition()))
                .add(RequestReplyHeaders.DEADLINE_MS, RequestReplyHeaders.int64(deadlineMs));
        try {
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    LOG.warn("request {} to {} not sent: {}", correlationId, topic, e.toString());
                    pending.sendFailed(correlationId, e);
                }
            });
        } catch (RuntimeException e) {
            pending.sendFailed(correlationId, e);
        }
        return future;
    }

    /** Counters since start. */
    public Counters counters() {
        return pending.counters();
    }

    /** The reply topic and partition this client reads. */
    public TopicPartition replyPartition() {
        return new TopicPartition(config.replyTopic(), config.replyPartition());
    }

    private void pollReplies() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    String id = RequestReplyHeaders.string(r.headers(), RequestReplyHeaders.CORRELATION_ID);
                    if (!pending.complete(id, r.value())) {
                        LOG.debug("late or unknown reply {} at {}-{}@{}", id, r.topic(), r.partition(), r.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("reply consumer on {} stopped; pending requests will time out", replyPartition(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    /** Stops reading replies and fails every pending request with {@link IllegalStateException}. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            replyThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        timer.shutdownNow();
        pending.failAll(new IllegalStateException("client closed"));
    }

    /**
     * Waits for a reply future and rethrows its failure as it is (the typed timeout or error of the caller's
     * protocol), for the blocking variants of the request/reply clients.
     *
     * @param what what is awaited, for the message on interruption, e.g. {@code "a rerank reply"}
     * @throws IllegalStateException if interrupted (the flag is restored) or the failure is a checked exception
     */
    public static <T> T await(CompletableFuture<T> reply, String what) {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}

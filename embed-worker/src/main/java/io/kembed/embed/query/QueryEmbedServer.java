package io.kembed.embed.query;

import io.kembed.core.requestreply.ReplyTopics;
import io.kembed.core.requestreply.RequestServer;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.PriorityGate;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * Serves query embedding on {@code <prefix>.embed.queries} ({@link QueryEmbedTopics}) through core's
 * {@link RequestServer}: one consumer-group member per server (group {@link Config#DEFAULT_GROUP_ID}, shared by
 * every embed worker of the deployment, so serving scales with the topic's partitions), whose own poll thread is
 * the query lane's thread.
 *
 * <p>Per poll (at most {@link Config#maxBatch} requests): each request is decoded and checked against
 * {@link QueryEmbedRequest}'s limits ({@link QueryEmbedErrorCode#INVALID_REQUEST}) and the served model
 * ({@link QueryEmbedErrorCode#MODEL_UNAVAILABLE}); requests beyond {@link Config#maxPollChars} chars of text get
 * {@link QueryEmbedErrorCode#OVERLOADED} at once; requests whose deadline has passed are dropped and counted
 * (on arrival by the {@link RequestServer}, inside the poll by this server). The rest are embedded in one
 * {@link BiEncoder#embedQueries} call, under an interactive permit of the {@link PriorityGate} so that bulk
 * ingestion in the same process yields the cores. An int8 model runs one query per ONNX run
 * ({@code BiEncoderOptions.forWorker}), so every vector equals {@link BiEncoder#embedQuery} for the same text: a
 * batch of 8 same-length queries was faster ({@code kembed bench query-embed}: 6.1 vs 9.7 ms per 13-token query on
 * one thread) but moved vector components by up to 1.7e-2, because int8 graphs quantise activations per batch, so
 * a query's vector, and its search results, would depend on which other queries shared its poll. An fp32 model
 * (unaffected by batch-mates) gets length-sorted batches. An inference failure gets
 * {@link QueryEmbedErrorCode#MODEL_UNAVAILABLE}. Never stops on a bad request.
 */
public final class QueryEmbedServer implements AutoCloseable {

    /**
     * @param groupId consumer group of every server of this deployment (default {@link #DEFAULT_GROUP_ID})
     * @param requestPartitions partitions of the requests topic when this server creates it
     * @param maxBatch most requests per poll ({@code max.poll.records})
     * @param maxPollChars most chars of query text embedded per poll; requests beyond it get OVERLOADED
     * @param kafkaProperties passed to the Kafka clients untouched
     */
    public record Config(String bootstrapServers, QueryEmbedTopics topics, String groupId, int requestPartitions,
            int maxBatch, int maxPollChars, Map<String, Object> kafkaProperties) {

        public static final String DEFAULT_GROUP_ID = "kembed-query-embed";
        public static final int DEFAULT_REQUEST_PARTITIONS = 4;
        /** Requests per poll: at about 10 ms per short query on one core, a full poll is served in ~0.3 s. */
        public static final int DEFAULT_MAX_BATCH = 32;
        /**
         * Query chars per poll: 8 maximal queries ({@link QueryEmbedRequest#MAX_TEXT_CHARS}), at most about 8
         * full 512-token runs (roughly a second on one core); typical short queries never reach it.
         */
        public static final int DEFAULT_MAX_POLL_CHARS = 8 * QueryEmbedRequest.MAX_TEXT_CHARS;

        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(groupId, "groupId");
            if (requestPartitions < 1 || maxBatch < 1 || maxPollChars < QueryEmbedRequest.MAX_TEXT_CHARS) {
                throw new IllegalArgumentException("requestPartitions and maxBatch must be >= 1 and maxPollChars >= "
                        + QueryEmbedRequest.MAX_TEXT_CHARS);
            }
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        public static Config defaults(String bootstrapServers, QueryEmbedTopics topics) {
            return new Config(bootstrapServers, topics, DEFAULT_GROUP_ID, DEFAULT_REQUEST_PARTITIONS,
                    DEFAULT_MAX_BATCH, DEFAULT_MAX_POLL_CHARS, Map.of());
        }

        public Config withKafkaProperties(Map<String, Object> props) {
            return new Config(bootstrapServers, topics, groupId, requestPartitions, maxBatch, maxPollChars, props);
        }

        /** Shows every field, with the values of secret Kafka properties as {@code [redacted]}. */
        @Override
        public String toString() {
            return "Config[bootstrapServers=" + bootstrapServers + ", topics=" + topics.prefix() + ", groupId=" + groupId
                    + ", requestPartitions=" + requestPartitions + ", maxBatch=" + maxBatch + ", maxPollChars="
                    + maxPollChars + ", kafkaProperties=" + io.kembed.core.ops.Redaction.redact(kafkaProperties) + "]";
        }
    }

    /**
     * Counters of this server; the transport's own (expired on arrival, malformed headers) are in
     * {@link #serverCounters()}.
     *
     * @param embedded queries answered with a vector
     * @param invalid answered INVALID_REQUEST, or MODEL_UNAVAILABLE for another model id
     * @param overloaded answered OVERLOADED
     * @param failed answered MODEL_UNAVAILABLE after an inference failure
     * @param expiredInBatch dropped inside a poll because the deadline passed
     * @param truncated embedded but cut at the model's max tokens
     */
    public record Counters(long embedded, long invalid, long overloaded, long failed, long expiredInBatch,
            long truncated) {
    }

    private final QueryEmbedHandler handler;
    private volatile RequestServer server; // set once, at the end of construction

    private QueryEmbedServer(Config config, BiEncoder encoder, PriorityGate gate, MeterRegistry registry) {
        QueryEmbedMetrics metrics = new QueryEmbedMetrics(registry, encoder.spec().id(), this::expiredTotal);
        this.handler = new QueryEmbedHandler(encoder, gate, config.maxPollChars(), Clock.systemUTC(), metrics);
        Map<String, Object> adminProps = new HashMap<>(config.kafkaProperties());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            ReplyTopics.ensure(admin, config.topics().requests(), config.requestPartitions(), (short) -1);
        }
        this.server = RequestServer.start(new RequestServer.Config(config.bootstrapServers(),
                config.topics().requests(), config.groupId(), config.maxBatch(), config.kafkaProperties()), handler);
    }

    /** Dropped for their deadline, on arrival and inside a poll (the meter reads it). */
    private long expiredTotal() {
        RequestServer s = server;
        return (s == null ? 0 : s.counters().expired()) + handler.expiredInBatch();
    }

    /**
     * Creates the requests topic if missing and starts serving on a thread of its own.
     *
     * @param encoder the model to serve; owned by the caller (not closed by {@link #close()})
     * @param gate shared with the bulk path of the same process ({@code EmbedWorker.priorityGate()}), or
     *     {@link PriorityGate#disabled()}
     * @param registry where meters are recorded; null records nowhere
     * @throws IllegalStateException if the requests topic cannot be created
     */
    public static QueryEmbedServer start(Config config, BiEncoder encoder, PriorityGate gate,
            MeterRegistry registry) {
        return new QueryEmbedServer(Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(encoder, "encoder"), Objects.requireNonNull(gate, "gate"), registry);
    }

    public Counters counters() {
        return handler.counters();
    }

    public RequestServer.Counters serverCounters() {
        return server.counters();
    }

    /** Requests-topic partitions this server owns now. */
    public Set<TopicPartition> assignment() {
        return server.assignment();
    }

    /** Stops taking requests; the poll in progress is answered first. Requests still in the topic stay there. */
    @Override
    public void close() {
        server.close();
    }
}

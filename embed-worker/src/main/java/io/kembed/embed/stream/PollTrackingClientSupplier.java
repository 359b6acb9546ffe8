package io.kembed.embed.stream;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' default clients, except that each main consumer tells a {@link PollClock} when it polled. Only
 * {@code poll(Duration)} is intercepted (the one Streams calls); everything else is the plain {@link KafkaConsumer}.
 */
public final class PollTrackingClientSupplier implements KafkaClientSupplier {

    private final PollClock clock;

    public PollTrackingClientSupplier(PollClock clock) {
        this.clock = clock;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new TrackingConsumer(config, clock);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static final class TrackingConsumer extends KafkaConsumer<byte[], byte[]> {

        private final PollClock clock;

        TrackingConsumer(Map<String, Object> config, PollClock clock) {
            super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.clock = clock;
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            clock.polled();
            return records;
        }
    }
}

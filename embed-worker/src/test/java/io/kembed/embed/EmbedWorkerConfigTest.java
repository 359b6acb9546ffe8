package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbedWorkerConfigTest {

    private static final EmbedWorkerConfig DEFAULTS = EmbedWorkerConfig.defaults("localhost:9092",
            ModelRegistry.get("bge-small-en-v1.5-q"), Path.of("state"));

    @Test
    void interactiveLane_isOnByDefault() {
        assertThat(DEFAULTS.interactiveLane()).isTrue();
    }

    @Test
    void interactiveLaneOff_survivesEveryOtherWither() {
        EmbedWorkerConfig off = DEFAULTS.withInteractiveLane(false).withTopics(new TopicNames("p"))
                .withKafkaProperties(Map.of("client.id", "x")).withApplicationId("app").withStreamThreads(3);
        assertThat(off.interactiveLane()).isFalse();
        assertThat(off.streamThreads()).isEqualTo(3);
        assertThat(off.applicationId()).isEqualTo("app");
    }

    @Test
    void flushBudget_isHalfTheTighterOfPollIntervalAndTransactionTimeout_followingStreamsPrefixes() {
        assertThat(DEFAULTS.maxPollInterval()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(DEFAULTS.transactionTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(DEFAULTS.flushBudget()).isEqualTo(java.time.Duration.ofMinutes(1));
        EmbedWorkerConfig shortPoll = DEFAULTS.withKafkaProperties(Map.of("max.poll.interval.ms", "90000",
                "consumer.max.poll.interval.ms", "20000", "main.consumer.max.poll.interval.ms", "8000"));
        assertThat(shortPoll.maxPollInterval()).isEqualTo(java.time.Duration.ofSeconds(8));
        assertThat(shortPoll.flushBudget()).isEqualTo(java.time.Duration.ofSeconds(4));
        EmbedWorkerConfig shortTransactions = DEFAULTS.withKafkaProperties(Map.of(
                "producer.transaction.timeout.ms", "30000"));
        assertThat(shortTransactions.flushBudget()).isEqualTo(java.time.Duration.ofSeconds(15));
    }
}

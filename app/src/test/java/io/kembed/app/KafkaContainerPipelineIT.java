package io.kembed.app;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link AbstractPipelineIT} against Kafka in a container ({@code apache/kafka}, KRaft), the same image as
 * {@code infra/docker-compose.yml}. Skipped, not failed, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerPipelineIT extends AbstractPipelineIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(System.getProperty("kembed.kafka.image", "apache/kafka:4.3.1"));

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}

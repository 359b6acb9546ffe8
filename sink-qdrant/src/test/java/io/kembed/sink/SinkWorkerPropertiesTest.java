package io.kembed.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class SinkWorkerPropertiesTest {

    @Test
    void consumer_readsCommittedOnly_commitsItself_andNeverCreatesTheVectorsTopic() {
        Properties p = SinkWorker.consumerProperties(SinkWorkerConfig.defaults("broker:9092", "kembed__m", "m"));

        assertThat(p).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("allow.auto.create.topics", "false");
    }
}

package io.kembed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.kafka.GroupStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    private static final TopicPartition P0 = new TopicPartition("kembed.contacts.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("kembed.contacts.v1", 1);

    private static GroupStatus group(long committed0, long committed1, long end) {
        return new GroupStatus("kembed-embed-m", "Stable",
                List.of(new GroupStatus.Member("w1", "/10.0.0.1", Set.of(P0, P1))),
                List.of(new GroupStatus.PartitionStatus(P0, committed0, end, end - committed0, "w1"),
                        new GroupStatus.PartitionStatus(P1, committed1, end, end - committed1, "w1")));
    }

    @Test
    void rateAndDrainTimeComeFromTheCommittedOffsetsOfTwoReads() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // 100 records committed in 5 s = 20 records/s; 400 records of lag left = 20 s
        StatusCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(group(100, 100, 500)),
                List.of(group(150, 150, 500)), 5, true);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("kembed-embed-m  [Stable, 1 member]  lag 700, 20.0 records/s, drains in 35 s");
        assertThat(out).contains("member w1 /10.0.0.1: 2 partitions");
        assertThat(out).containsPattern("kembed\\.contacts\\.v1-0 +150 +500 +350  w1");
    }

    @Test
    void drainText() {
        assertThat(StatusCommand.drain(0, 0)).isEqualTo("drained");
        assertThat(StatusCommand.drain(10, 0)).isEqualTo("not draining");
        assertThat(StatusCommand.drain(7_200, 1)).isEqualTo("drains in 2h00m");
        assertThat(StatusCommand.drain(90, 1)).isEqualTo("drains in 1m30s");
    }
}

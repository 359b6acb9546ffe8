package io.kembed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kembed bench scale} hands its Kafka settings to the worker processes it starts in a file only its user can
 * read, never on their command lines (which {@code ps} shows to everyone).
 */
class BenchScaleKafkaConfigTest {

    private static final String SECRET = "bench-Secret-31f9";

    @TempDir
    Path work;

    @Test
    void childWorkers_getTheSettingsInAnOwnerOnlyFile_notOnTheirCommandLine() throws Exception {
        Map<String, Object> props = Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
                        + SECRET + "\";");

        List<String> args = BenchScaleCommand.kafkaConfigArgs(props, work);

        assertThat(String.join(" ", args)).doesNotContain(SECRET);
        assertThat(args).hasSize(2).first().isEqualTo("--kafka-config");
        Path file = Path.of(args.get(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Properties read = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            read.load(r);
        }
        assertThat(read).containsExactlyInAnyOrderEntriesOf(props);
        assertThat(BenchScaleCommand.kafkaConfigArgs(Map.of(), work)).isEmpty();
    }
}

package io.kembed.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * infra/topics.properties (read by infra/topics.sh for the compose stack) declares the same topics as
 * {@link TopicAdmin#definitions} in core (used by the embedded broker and by {@code ensureTopics}).
 */
class TopicsPropertiesTest {

    static final Path TOPICS_FILE = Path.of("..", "infra", "topics.properties");

    @Test
    void topicsFile_declaresTheTopicsOfTopicAdmin() throws IOException {
        Map<String, Map<String, String>> declared = readDeclarations();
        Map<String, Map<String, String>> expected = new TreeMap<>();
        for (NewTopic t : TopicAdmin.definitions(TopicNames.DEFAULT, TopicAdmin.Layout.EMBEDDED)) {
            Map<String, String> spec = new TreeMap<>(t.configs());
            spec.put("partitions", Integer.toString(t.numPartitions()));
            expected.put(t.name(), spec);
        }

        assertThat(declared)
                .as("infra/topics.properties drifted from TopicAdmin.definitions in core: change both together "
                        + "(the compose stack and the embedded broker must create the same topics)")
                .isEqualTo(expected);
    }

    static Map<String, Map<String, String>> readDeclarations() throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(TOPICS_FILE, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        Map<String, Map<String, String>> topics = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            Map<String, String> spec = new HashMap<>();
            for (String kv : props.getProperty(name).trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                assertThat(eq).as("'%s' in %s", kv, name).isPositive();
                spec.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            topics.put(name, new TreeMap<>(spec));
        }
        return topics;
    }
}

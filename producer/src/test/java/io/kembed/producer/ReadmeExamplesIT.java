package io.kembed.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicNames;
import io.kembed.producer.imports.ConsoleProgress;
import io.kembed.producer.imports.FieldMapping;
import io.kembed.producer.imports.ImportOptions;
import io.kembed.producer.imports.ImportSummary;
import io.kembed.producer.imports.JsonlImporter;
import io.kembed.producer.imports.MappingPresets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code snippets of producer/README.md and the ChangePublisher Javadoc, verbatim but for the broker address, so
 * they keep compiling and working.
 */
class ReadmeExamplesIT {

    private static final Logger log = LoggerFactory.getLogger(ReadmeExamplesIT.class);
    private static EmbeddedKafka kafka;
    private static String bootstrap;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        bootstrap = kafka.bootstrapServers();
        ChangePublisherIT.createTopics(kafka, TopicNames.DEFAULT);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void publisherSnippet() {
        try (ChangePublisher publisher = new ChangePublisher(PublisherConfig.of(bootstrap))) {
            ContactEvent jane = ContactEvent.upsert("acme", "c-42", 7, "Jane Doe", "Acme", "CEO",
                    "Leads the EU expansion.", List.of("retail", "logistics"));
            publisher.publish(jane)                       // throws InvalidEventException if jane is invalid
                    .whenComplete((metadata, error) -> {  // runs on the producer's I/O thread: do not block here
                        if (error != null) {
                            log.error("not published: {}", jane.key(), error);
                        }
                    });
            publisher.publishTombstone(EntityKey.contact("acme", "c-13"));  // delete c-13
        }

        assertThat(ChangePublisherIT.endOffsetSum(kafka, "kembed.contacts.v1")).isEqualTo(2);
    }

    @Test
    void importSnippet_importsTheWholeEuRegister(@TempDir Path dir) throws Exception {
        ImportSummary summary;
        FieldMapping mapping = MappingPresets.euTransparencyRegister("eu");      // or FieldMapping.load(Path.of("m.json"))
        try (ChangePublisher publisher = new ChangePublisher(PublisherConfig.of(bootstrap));
                ConsoleProgress progress = ConsoleProgress.forStderr()) {
            Path input = Path.of("../data/eu-transparency-register-2018/transparency_register_2018.jsonl.gz");
            summary = new JsonlImporter(publisher, mapping)
                    .run(input, ImportOptions.defaults(dir.resolve("rejects.jsonl")), progress);
        }

        assertThat(summary.published()).isEqualTo(11_836);
        assertThat(summary.rejected()).isZero();
        assertThat(ChangePublisherIT.endOffsetSum(kafka, "kembed.documents.v1")).isZero();
    }
}

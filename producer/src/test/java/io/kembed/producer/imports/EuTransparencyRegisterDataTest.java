package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.TopicNames;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.imports.JsonlImporterTest.FailingProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preset against every row of the data set kept in the repository (data/eu-transparency-register-2018). */
class EuTransparencyRegisterDataTest {

    static final Path DATA = Path.of("..", "data", "eu-transparency-register-2018",
            "transparency_register_2018.jsonl.gz");
    /** Rows and rows with the "Economy, finance and the euro" area, per PROVENANCE.md and a count of the file. */
    static final int ROWS = 11_836;
    static final int ECONOMY_ROWS = 4_167;

    @Test
    void everyRow_mapsToAValidContact_andTheEconomyAreaStaysWhole(@TempDir Path dir) throws Exception {
        assertThat(DATA).as("run from the producer module; the data set is committed").exists();
        FailingProducer producer = new FailingProducer(r -> false, null);
        ChangePublisher publisher = new ChangePublisher(producer, TopicNames.DEFAULT, new ChangeEventCodec());

        ImportSummary summary = new JsonlImporter(publisher, MappingPresets.euTransparencyRegister("eu"))
                .run(DATA, ImportOptions.defaults(dir.resolve("rejects.jsonl")), ImportListener.NONE);

        assertThat(summary.read()).isEqualTo(ROWS);
        assertThat(summary.published()).isEqualTo(ROWS);
        assertThat(summary.rejected()).isZero();
        assertThat(dir.resolve("rejects.jsonl")).doesNotExist(); // written from the first rejection only
        int economy = 0;
        Set<String> keys = new HashSet<>();
        ChangeEventCodec codec = new ChangeEventCodec();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            keys.add(key);
            ContactEvent c = (ContactEvent) codec.decode(key, r.value()).event();
            assertThat(c.tags()).doesNotContain("Economy", "finance and the euro");
            if (c.tags().contains(MappingPresets.ECONOMY_AREA)) {
                economy++;
            }
        }
        assertThat(keys).hasSize(ROWS);
        assertThat(economy).isEqualTo(ECONOMY_ROWS);
    }
}

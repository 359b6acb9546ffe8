package io.kembed.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kembed.app.KembedCli;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.query.QueryEmbedClient;
import io.kembed.embed.query.QueryEmbedTopics;
import io.kembed.embed.query.QueryEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code kembed worker embed} serves query embedding by default, with the vector {@code BiEncoder.embedQuery} gives. */
class EmbedWorkerQueriesIT {

    @Test
    void embedWorker_answersQueries_andStopsOnInterrupt() throws Exception {
        AtomicInteger exit = new AtomicInteger(-1);
        Path state = Files.createTempDirectory("kembed-embed-queries-it");
        ModelSpec spec = ModelRegistry.get(ModelRegistry.DEFAULT_MODEL);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                BiEncoder reference = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec))) {
            Thread worker = new Thread(() -> exit.set(KembedCli.commandLine().execute("worker", "embed",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--state-dir", state.toString(),
                    "--ops-port", "-1")), "embed-under-test");
            worker.start();
            try (QueryEmbedClient client = QueryEmbedClient.create(kafka.bootstrapServers(),
                    new QueryEmbedTopics("kembed"), "it", Map.of())) {
                QueryEmbedding q = client.embedBlocking("offshore wind energy", Duration.ofSeconds(90));
                assertThat(q.model()).isEqualTo(spec.id());
                float[] expected = reference.embedQuery("offshore wind energy");
                for (int i = 0; i < expected.length; i++) {
                    assertThat(q.vector()[i]).isCloseTo(expected[i], within(1e-6f));
                }
            }
            worker.interrupt();
            worker.join(60_000);
            assertThat(worker.isAlive()).isFalse();
        }
        assertThat(exit.get()).isEqualTo(130);
    }
}

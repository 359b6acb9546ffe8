package io.kembed.app;

import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.model.ModelRegistry;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * What the re-embed ITs share: a temporary directory, an embedded KRaft broker with an admin client, models A and B
 * loaded from the test model cache ({@code target/kembed-models}), and whatever the test hands to {@link #owned},
 * closed in reverse order before the models and the broker.
 */
final class TwoModelCluster implements AutoCloseable {

    final Path work;
    final EmbeddedKafka kafka;
    final Admin admin;
    final BiEncoder encoderA;
    final BiEncoder encoderB;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    TwoModelCluster(String tempPrefix, String modelA, String modelB) throws IOException {
        work = Files.createTempDirectory(tempPrefix);
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        Path cache = Path.of("target", "kembed-models").toAbsolutePath();
        encoderA = BiEncoder.load(ModelRegistry.get(modelA), BiEncoderOptions.forWorker(ModelRegistry.get(modelA))
                .withCacheDir(cache));
        encoderB = BiEncoder.load(ModelRegistry.get(modelB), BiEncoderOptions.forWorker(ModelRegistry.get(modelB))
                .withCacheDir(cache));
    }

    /** Closes {@code c} with this cluster, before anything handed over earlier. */
    <T extends AutoCloseable> T owned(T c) {
        closeables.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        encoderA.close();
        encoderB.close();
        admin.close();
        kafka.close();
        org.apache.kafka.common.utils.Utils.delete(work.toFile());
    }
}

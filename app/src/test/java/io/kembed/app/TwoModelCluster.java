package io.kembed.app;

import io.kembed.app.reembed.Reembed;
import io.kembed.app.reembed.ReembedWorkers;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorStore;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.search.cache.CaffeineSearchCache;
import io.kembed.search.cache.SearchCacheConfig;
import io.kembed.sink.VectorStores;
import io.kembed.sink.lucene.LuceneAliases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

    /**
     * Model A serving the shared alias, as both re-embed ITs start: the change topics under {@code prefix} with
     * {@code partitions} partitions, the Lucene collection {@code <alias>__<model A>} behind the alias, an
     * in-process search cache whose generations the sink bumps, the shared {@link Reembed} and model A's workers,
     * and a publisher; all closed with this cluster.
     */
    SharedModelA startModelA(String prefix, int partitions, String alias) {
        TopicNames topics = new TopicNames(prefix);
        TopicAdmin.ensureTopics(admin, topics, new TopicAdmin.Layout(partitions, (short) 1),
                List.of(encoderA.spec().id()));
        Path lucene = work.resolve("lucene");
        LuceneAliases aliases = LuceneAliases.open(lucene);
        VectorStore storeA = owned(VectorStores.lucene(lucene, CollectionNames.of(alias, encoderA.spec().id()),
                encoderA.spec().dims()));
        aliases.swap(alias, storeA.collection());
        CaffeineSearchCache cache = owned(new CaffeineSearchCache(SearchCacheConfig.defaults()));
        Reembed reembed = owned(new Reembed(kafka.bootstrapServers(), topics, Map.of(), alias, aliases));
        ReembedWorkers workersA = owned(ReembedWorkers.forModel(reembed, encoderA, storeA, work.resolve("state-a"),
                new SimpleMeterRegistry(), cache::bumpGenerations));
        ChangePublisher publisher = owned(new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), topics,
                Map.of())));
        return new SharedModelA(topics, lucene, aliases, storeA, cache, reembed, workersA, publisher);
    }

    /** What {@link #startModelA} started. */
    record SharedModelA(TopicNames topics, Path lucene, LuceneAliases aliases, VectorStore storeA,
            CaffeineSearchCache cache, Reembed reembed, ReembedWorkers workersA, ChangePublisher publisher) {
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

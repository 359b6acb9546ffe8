package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.producer.ChangePublisher;
import io.kembed.search.SearchClient;
import io.kembed.search.SearchOptions;
import io.kembed.search.SearchResult;
import io.kembed.search.cache.SearchCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Search-cache invalidation through the real pipeline: a cached search, then a change published to Kafka; once the
 * sink has written it, the same search answers with the new state, and other tenants' cached results stay valid.
 * Subclasses choose the cache: in process (the embedded default) or Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSearchCacheIT {

    private static final Duration DRAIN = Duration.ofMinutes(3);
    private static final String QUERY = "offshore wind turbines";

    private Path work;
    private BiEncoder encoder;
    private LocalPipeline pipeline;
    private ChangePublisher publisher;
    private SearchClient client;
    /** Vectors records the sink had applied when it last announced written tenants (after the cache's bump). */
    private final java.util.concurrent.atomic.AtomicLong announced = new java.util.concurrent.atomic.AtomicLong();
    private long published;

    /** The cache the sink bumps and the client reads, or null for the pipeline's in-process default. */
    abstract SearchCache cache();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-search-cache-it");
        encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.forWorker(ModelRegistry.get("all-minilm-l6-v2-q"))
                        .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()));
        PipelineOptions options = new PipelineOptions(null, TopicNames.DEFAULT, new TopicAdmin.Layout(2, (short) 1),
                encoder.spec(), work.resolve("lucene"), PipelineOptions.defaultCollection(encoder.spec()),
                work.resolve("state"), Map.of());
        SearchCache cache = cache();
        pipeline = cache == null ? LocalPipeline.start(options, encoder) : LocalPipeline.start(options, encoder, cache);
        publisher = pipeline.publisher();
        client = pipeline.searchClient(null, SearchOptions.defaults());
        // Listeners run in order on the sink's thread: when this one has seen a record count, the cache's bump for
        // the batch holding that record is done.
        pipeline.sink().onTenantsWritten(t -> announced.accumulateAndGet(pipeline.sink().recordsApplied(), Math::max));
    }

    @AfterAll
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (cache() != null) {
            cache().close();
        }
        if (encoder != null) {
            encoder.close();
        }
        org.apache.kafka.common.utils.Utils.delete(work.toFile());
    }

    /** Publishes, waits until the sink has stored every change and announced it (each makes one vectors record). */
    private void publishAndDrain(DocumentEvent... events) throws InterruptedException {
        for (DocumentEvent e : events) {
            publisher.publish(e);
        }
        publisher.flush();
        published += events.length;
        assertThat(pipeline.awaitDrained(DRAIN)).as("pipeline drained").isTrue();
        await().atMost(DRAIN).until(() -> announced.get() >= published);
    }

    private long generation(String tenant) {
        return pipeline.searchCache().generation(tenant).orElseThrow();
    }

    @Test
    void aChangeToATenant_invalidatesItsCachedSearches_butNotAnotherTenants() throws Exception {
        String a = "tenant-a";
        String b = "tenant-b";
        publishAndDrain(
                DocumentEvent.upsert(a, "farm", 1, "North Sea", "Offshore wind farms with hundreds of turbines."),
                DocumentEvent.upsert(a, "bank", 1, "Rates", "The central bank raised interest rates."),
                DocumentEvent.upsert(b, "farm", 1, "North Sea", "Offshore wind farms with hundreds of turbines."),
                DocumentEvent.upsert(b, "garden", 1, "Tomatoes", "Tomatoes grow in warm weather."));

        SearchResult first = client.search(a, QUERY, 2);
        assertThat(first.fromResultCache()).isFalse();
        assertThat(first.hits().get(0).hit().entity().id()).isEqualTo("farm");
        assertThat(client.search(a, QUERY, 2).fromResultCache()).as("repeat is cached").isTrue();
        assertThat(client.search(b, QUERY, 2).fromResultCache()).isFalse();
        long generationA = generation(a);
        long generationB = generation(b);

        // the farm is sold: its text no longer matches, and a new document does
        publishAndDrain(
                DocumentEvent.upsert(a, "farm", 2, "Sold", "The company sold its bakery business."),
                DocumentEvent.upsert(a, "turbines", 1, "Turbines", "Offshore wind turbines are installed at sea."));
        assertThat(generation(a)).isGreaterThan(generationA);

        SearchResult after = client.search(a, QUERY, 2);
        assertThat(after.fromResultCache()).as("not the result cached before the write").isFalse();
        assertThat(after.hits().get(0).hit().entity().id()).isEqualTo("turbines");
        assertThat(after.hits()).filteredOn(h -> h.hit().entity().id().equals("farm"))
                .allSatisfy(h -> assertThat(h.hit().version()).isEqualTo(2));
        assertThat(after.queryEmbeddingCached()).as("query vector reused across generations").isTrue();

        assertThat(generation(b)).isEqualTo(generationB);
        SearchResult otherTenant = client.search(b, QUERY, 2);
        assertThat(otherTenant.fromResultCache()).as("tenant b untouched, still cached").isTrue();

        // a delete invalidates too
        long beforeDelete = generation(a);
        publishAndDrain(DocumentEvent.delete(a, "turbines", 2));
        assertThat(generation(a)).isGreaterThan(beforeDelete);
        SearchResult afterDelete = client.search(a, QUERY, 2);
        assertThat(afterDelete.fromResultCache()).isFalse();
        assertThat(afterDelete.hits()).extracting(h -> h.hit().entity().id()).doesNotContain("turbines");
    }
}

package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.EmbedMetrics.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault suite, producer side: the upstream application publishes one event in five twice (an at-least-once
 * retry) and one pair of versions in five newest first, so the older arrives after the newer. The whole pipeline
 * runs in this JVM on the embedded broker. The embed worker must drop exactly the events that are not newer than
 * what it has seen of their entity (counted independently from what was published), commit no (entity, version)
 * twice to the vectors topic, and leave the store equal to the latest source state.
 */
class DuplicatedAndReorderedEventsIT {

    private Path work;
    private BiEncoder encoder;
    private LocalPipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory("kembed-fault-dup");
        encoder = Fixtures.encoder();
        pipeline = LocalPipeline.start(new PipelineOptions(null, TopicNames.DEFAULT, new TopicAdmin.Layout(4, (short) 1),
                encoder.spec(), work.resolve("lucene"), PipelineOptions.defaultCollection(encoder.spec()),
                work.resolve("state"), Map.of()), encoder);
    }

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        Utils.delete(work.toFile());
    }

    @Test
    void duplicatedAndOutOfOrderEvents_leaveExactlyTheLatestState() throws Exception {
        Fixtures.record(ReliabilityReport.scenario("fault.5-duplicates-reordered", Fixtures.SUITE,
                "Duplicated events and out-of-order versions injected on the producer side"), report -> {
            Workload source = new Workload(pipeline.publisher(), 5, List.of("t-dup-a", "t-dup-b"), 200)
                    .duplicateOneIn(5).reorderOneIn(5);
            source.createAll();
            source.roundsUntil(2_400, 0.5);
            source.flush();
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(3))).as("pipeline drained").isTrue();

            long dropped = pipeline.worker().metrics().total(Outcome.DUPLICATE)
                    + pipeline.worker().metrics().total(Outcome.STALE);
            long expectedDropped = source.ledger().notAccepted();
            StoreAudit.Result audit = StoreAudit.audit(source.ledger(), pipeline.store());
            long topicDuplicates = StoreAudit.vectorsTopicDuplicates(pipeline.bootstrapServers(),
                    TopicNames.DEFAULT.vectors(Fixtures.MODEL.id()));
            audit = audit.plusDuplicates(topicDuplicates, "(entity, version) records committed twice to the vectors topic");
            audit.into(report.events(source.events()).faults(source.duplicatesInjected() + source.reordersInjected(),
                    "duplicate events and newest-first version pairs"))
                    .figure("duplicates injected", source.duplicatesInjected())
                    .figure("reordered pairs injected", source.reordersInjected())
                    .figure("dropped by the worker (duplicate + stale)", dropped)
                    .figure("expected dropped", expectedDropped)
                    .figure("vectors-topic duplicates", topicDuplicates)
                    .figure("failed sends", source.failedSends());

            Fixtures.assertClean(audit);
            assertThat(source.duplicatesInjected()).isPositive();
            assertThat(source.reordersInjected()).isPositive();
            // At least: the worker's counters are not transactional, so a batch processed again after an aborted
            // transaction (a loaded machine) counts its drops twice; fewer would mean it accepted a stale event.
            assertThat(dropped).as("events the worker dropped as duplicate or stale")
                    .isGreaterThanOrEqualTo(expectedDropped);
            assertThat(pipeline.sink().failure()).isNull();
        });
    }
}

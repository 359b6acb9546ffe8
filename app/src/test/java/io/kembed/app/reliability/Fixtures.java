package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import java.nio.file.Path;

/** What every fault scenario shares: the fastest registry model, its cache, and how a scenario is recorded. */
final class Fixtures {

    static final String SUITE = "Fault suite";
    /** The fastest model of the registry (6 layers, int8), keeping the suite within its time budget. */
    static final ModelSpec MODEL = ModelRegistry.get("all-minilm-l6-v2-q");

    private Fixtures() {
    }

    static Path modelCache() {
        return Path.of("target", "kembed-models").toAbsolutePath();
    }

    static BiEncoder encoder() {
        return BiEncoder.load(MODEL, BiEncoderOptions.forWorker(MODEL).withCacheDir(modelCache()));
    }

    /**
     * Closes what a scenario opened, in the order given (most dependent first), skipping what was never opened, then
     * deletes its work directory.
     */
    static void closeAll(Path work, AutoCloseable... opened) throws Exception {
        for (AutoCloseable c : opened) {
            if (c != null) {
                c.close();
            }
        }
        if (work != null) {
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        }
    }

    /** A scenario's body; may throw anything. */
    interface Body {
        void run(ReliabilityReport report) throws Exception;
    }

    /**
     * Runs {@code body} and writes the scenario's file: passed when the body returns, failed (with the error) when it
     * throws, which is rethrown.
     */
    static void record(ReliabilityReport report, Body body) throws Exception {
        try {
            body.run(report);
        } catch (Exception | AssertionError e) {
            report.failed(e);
            throw e;
        }
        report.passed();
    }

    /**
     * Waits until the store matches the source and both consumer groups have no lag on what was published, polling
     * every 500 ms: with workers out of process the buffer of the embed worker cannot be read, so convergence is the
     * condition.
     *
     * @return the last audit (clean if it converged in time)
     */
    static StoreAudit.Result awaitConverged(SourceLedger ledger, io.kembed.core.store.VectorStore store,
            org.apache.kafka.clients.admin.Admin admin, String embedGroup, String sinkGroup,
            io.kembed.core.kafka.TopicNames topics, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StoreAudit.Result audit = StoreAudit.audit(ledger, store);
        while (System.nanoTime() < deadline) {
            if (audit.clean()
                    && io.kembed.core.kafka.ConsumerLag.totalLag(admin, embedGroup, topics.changeTopics()) == 0
                    && io.kembed.core.kafka.ConsumerLag.totalLag(admin, sinkGroup,
                            java.util.List.of(topics.vectors(Fixtures.MODEL.id()))) == 0) {
                return StoreAudit.audit(ledger, store);
            }
            Thread.sleep(500);
            audit = StoreAudit.audit(ledger, store);
        }
        return audit;
    }

    /** Asserts the audit found nothing lost, duplicated or stale, listing the first differences if it did. */
    static void assertClean(StoreAudit.Result audit) {
        assertThat(audit.examples()).as("differences between the store and the source").isEmpty();
        assertThat(audit.lost()).as("lost").isZero();
        assertThat(audit.duplicated()).as("duplicated").isZero();
        assertThat(audit.stale()).as("stale").isZero();
        assertThat(audit.live()).as("live entities").isPositive();
        assertThat(audit.deleted()).as("deleted entities").isPositive();
    }
}

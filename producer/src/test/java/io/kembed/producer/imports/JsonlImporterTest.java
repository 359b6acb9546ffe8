package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.TopicNames;
import io.kembed.producer.ChangePublisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlImporterTest {

    /** eu-sample.jsonl.gz: 20 real register rows, 5 bad lines and 1 blank line. */
    static final String FIXTURE = "eu-sample.jsonl.gz";
    static final long FIXTURE_LINES = 26;
    static final long FIXTURE_GOOD = 20;
    private static final long NOW = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Path input;
    private Path rejects;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void copyFixture() throws IOException {
        input = dir.resolve("sample.jsonl"); // gzip content under a plain name: detected by magic bytes
        try (InputStream in = JsonlImporterTest.class.getResourceAsStream("/imports/" + FIXTURE)) {
            Files.copy(in, input);
        }
        rejects = dir.resolve("out/rejects.jsonl");
    }

    @Test
    void fixture_publishesTheGoodRows_andRejectsEachBadLineWithItsReason() throws Exception {
        FailingProducer producer = new FailingProducer(r -> false, null);

        ImportSummary summary = importer(producer).run(input, ImportOptions.defaults(rejects), listener);

        assertThat(summary.read()).isEqualTo(FIXTURE_LINES);
        assertThat(summary.published()).isEqualTo(FIXTURE_GOOD);
        assertThat(summary.rejected()).isEqualTo(5);
        assertThat(summary.blank()).isEqualTo(1);
        assertThat(summary.failed()).isZero();
        assertThat(summary.bytes()).isEqualTo(Files.size(input));
        assertThat(summary.read()).isEqualTo(summary.published() + summary.rejected() + summary.blank());

        List<JsonNode> rejected = readRejects();
        assertThat(rejected).extracting(n -> n.get("line").asLong()).containsExactly(3L, 8L, 12L, 17L, 22L);
        assertThat(rejected).extracting(n -> n.get("reason").asText())
                .containsExactly("BAD_JSON", "NOT_AN_OBJECT", "MISSING_ID", "INVALID_VALUE", "WRONG_TYPE");
        assertThat(rejected.get(0).get("original").asText())
                .isEqualTo("{\"identification_number\": \"broken-1\", \"organisation_name\": \"Truncated");
        assertThat(rejected.get(3).get("message").asText()).contains("control character");
        assertThat(rejected).allSatisfy(n -> assertThat(n.get("message").asText()).isNotBlank());

        assertThat(producer.history()).hasSize((int) FIXTURE_GOOD).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("kembed.contacts.v1");
            ContactEvent e = (ContactEvent) new ChangeEventCodec()
                    .decode(new String(r.key(), StandardCharsets.UTF_8), r.value()).event();
            assertThat(e.version()).isEqualTo(NOW);
            assertThat(e.tenantId()).isEqualTo("eu");
        });

        assertThat(listener.total).hasValue(FIXTURE_LINES);
        assertThat(listener.rejections).hasSize(5);
        assertThat(listener.lastDone).isEqualTo(FIXTURE_LINES);
        assertThat(listener.summaries).containsExactly(summary);
    }

    @Test
    void cleanImport_leavesNoRejectsFile_andRemovesAStaleOne_andStampsOccurredAt() throws Exception {
        Files.createDirectories(rejects.getParent());
        Files.writeString(rejects, "{\"line\":1,\"reason\":\"from an earlier run\"}\n");
        FailingProducer producer = new FailingProducer(r -> false, null);

        ImportSummary summary = importer(producer).run(input, ImportOptions.defaults(rejects).withMaxLines(2),
                listener);

        assertThat(summary.published()).isEqualTo(2);
        assertThat(summary.rejected()).isZero();
        assertThat(rejects).doesNotExist();
        assertThat(producer.history()).allSatisfy(r -> assertThat(new ChangeEventCodec()
                .decode(new String(r.key(), StandardCharsets.UTF_8), r.value()).event().occurredAt())
                .isEqualTo(java.time.Instant.ofEpochMilli(NOW)));
    }

    @Test
    void recordRefusedByKafka_isRejected_andTheImportGoesOn() throws Exception {
        FailingProducer producer = new FailingProducer(
                r -> new String(r.key(), StandardCharsets.UTF_8).endsWith("000243429028-82"),
                () -> new RecordTooLargeException("record is 2 MB"));

        ImportSummary summary = importer(producer).run(input, ImportOptions.defaults(rejects), listener);

        assertThat(summary.published()).isEqualTo(FIXTURE_GOOD - 1);
        assertThat(summary.rejected()).isEqualTo(6);
        assertThat(readRejects()).filteredOn(n -> n.get("line").asLong() == 6).singleElement().satisfies(n -> {
            assertThat(n.get("reason").asText()).isEqualTo(Rejection.RECORD_REJECTED);
            assertThat(n.get("message").asText()).contains("RecordTooLargeException");
            assertThat(n.get("original").asText()).contains("000243429028-82");
        });
    }

    @Test
    void brokerFailure_stopsTheImport_withTheCountsSoFar() throws Exception {
        int[] sends = {0};
        FailingProducer producer = new FailingProducer(r -> ++sends[0] > 2,
                () -> new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation"));

        assertThatThrownBy(() -> importer(producer).run(input, ImportOptions.defaults(rejects), listener))
                .isInstanceOfSatisfying(ImportException.class, e -> {
                    assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
                    ImportSummary s = e.summary();
                    assertThat(s.read()).isEqualTo(4); // rows 1, 2 published, line 3 rejected, row 4 failed
                    assertThat(s.published()).isEqualTo(2);
                    assertThat(s.rejected()).isEqualTo(1);
                    assertThat(s.failed()).isEqualTo(1);
                });
        assertThat(listener.summaries).hasSize(1);
    }

    @Test
    void maxLines_stopsEarly_andBoundsTheTotal() throws Exception {
        ImportSummary summary = importer(new FailingProducer(r -> false, null))
                .run(input, ImportOptions.defaults(rejects).withMaxLines(5), listener);

        assertThat(summary.read()).isEqualTo(5);
        assertThat(summary.published()).isEqualTo(4);
        assertThat(listener.total).hasValue(5);
    }

    @Test
    void withoutCountingPass_totalIsUnknown() throws Exception {
        importer(new FailingProducer(r -> false, null))
                .run(input, ImportOptions.defaults(rejects).withCountLinesFirst(false), listener);

        assertThat(listener.total).isEmpty();
    }

    @Test
    void overlongLine_isRejected() throws Exception {
        ImportSummary summary = importer(new FailingProducer(r -> false, null))
                .run(input, ImportOptions.defaults(rejects).withMaxLineBytes(500), listener);

        assertThat(summary.published()).isZero();
        JsonNode first = readRejects().get(0);
        assertThat(first.get("reason").asText()).isEqualTo("LINE_TOO_LONG");
        assertThat(first.get("message").asText()).contains("more than the limit of 500");
        assertThat(first.get("original").asText()) // the first 500 bytes only
                .startsWith("{\"identification_number\": \"000005130904-53\"")
                .hasSizeLessThanOrEqualTo(500);
    }

    @Test
    void rejectsFile_isTruncatedByEachRun() throws Exception {
        Files.createDirectories(rejects.getParent());
        Files.writeString(rejects, "stale\n".repeat(100));

        importer(new FailingProducer(r -> false, null)).run(input, ImportOptions.defaults(rejects), listener);

        assertThat(readRejects()).hasSize(5);
    }

    @Test
    void interrupt_stopsTheImport_withInterruptedException() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> importer(new FailingProducer(r -> false, null))
                .run(input, ImportOptions.defaults(rejects), listener))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("the exception carries the interrupt").isFalse();
    }

    private JsonlImporter importer(MockProducer<byte[], byte[]> producer) {
        ChangePublisher publisher = new ChangePublisher(producer, TopicNames.DEFAULT, new ChangeEventCodec());
        return new JsonlImporter(publisher, MappingPresets.euTransparencyRegister("eu"),
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private List<JsonNode> readRejects() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(rejects)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    /** Completes sends at once, failing those {@code fail} selects with {@code error}. */
    static final class FailingProducer extends MockProducer<byte[], byte[]> {
        private final Predicate<ProducerRecord<byte[], byte[]>> fail;
        private final java.util.function.Supplier<RuntimeException> error;

        FailingProducer(Predicate<ProducerRecord<byte[], byte[]>> fail,
                java.util.function.Supplier<RuntimeException> error) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.fail = fail;
            this.error = error;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (fail.test(record)) {
                RuntimeException e = error.get();
                callback.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
            return super.send(record, callback);
        }
    }

    static final class RecordingListener implements ImportListener {
        OptionalLong total;
        long lastDone = -1;
        final List<Rejection> rejections = new ArrayList<>();
        final List<ImportSummary> summaries = new ArrayList<>();

        @Override
        public void onStart(Path input, OptionalLong totalLines, long inputBytes) {
            total = totalLines;
        }

        @Override
        public void onProgress(long done, OptionalLong total, long bytesRead) {
            lastDone = done;
        }

        @Override
        public void onReject(Rejection rejection) {
            rejections.add(rejection);
        }

        @Override
        public void onFinish(ImportSummary summary) {
            summaries.add(summary);
        }
    }
}

package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.ContactEvent;
import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.store.CollectionNames;
import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.sink.lucene.LuceneAliases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kembed reembed} as an operator runs it against a cluster (a real embedded KRaft broker started by the
 * test) and a Lucene store: the dry run's figures, the start, the status table, and the refusals (cutover before
 * the new model has caught up; cutover, rollback and cleanup with nothing started). The whole switch with workers
 * running is {@link ReembedIT}.
 */
class ReembedCliIT {

    private static final String PREFIX = "clireembed";
    private static EmbeddedKafka kafka;

    @TempDir
    Path work;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private record Run(int exit, String out) {
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", PREFIX,
                "--lucene-dir", work.resolve("lucene").toString()));
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = KembedCli.commandLine().execute(all.toArray(String[]::new));
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void dryRun_start_status_andTheRefusals() throws Exception {
        TopicNames topics = new TopicNames(PREFIX);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, new TopicAdmin.Layout(2, (short) 1), List.of("all-minilm-l6-v2-q"));
        }
        try (ChangePublisher p = new ChangePublisher(new PublisherConfig(kafka.bootstrapServers(), topics, Map.of()))) {
            for (int i = 0; i < 30; i++) {
                p.publish(ContactEvent.upsert("t", "c" + i, 1, "Person " + i, "Acme", "analyst", null, List.of()));
            }
            p.publish(ContactEvent.delete("t", "c0", 2));
            p.publish(ContactEvent.delete("t", "c1", 2));
            p.publish(ContactEvent.upsert("other", "x", 1, "Someone", "Else", null, null, List.of()));
            p.flush();
        }
        LuceneAliases aliases = LuceneAliases.open(work.resolve("lucene"));
        String collectionA = CollectionNames.of("kembed", "all-minilm-l6-v2-q");
        aliases.swap("kembed", collectionA);

        Run nothing = run("reembed", "cutover");
        assertThat(nothing.exit()).as("cutover with nothing started").isEqualTo(1);
        assertThat(run("reembed", "rollback").exit()).isEqualTo(1);
        assertThat(run("reembed", "status", "--interval", "1").out()).contains("no re-embed of alias kembed");

        Run dry = run("reembed", "start", "--model", "e5-small-v2-q", "--dry-run", "--tenant", "t", "--sample", "8");
        assertThat(dry.exit()).as(dry.out()).isZero();
        assertThat(dry.out()).contains("entities to embed:  28 (plus 2 deleted").contains("estimated tokens:")
                .contains("texts/s on one thread (8 texts sampled here)").contains("time estimate:");
        assertThat(run("reembed", "status", "--interval", "1").out()).as("a dry run changes nothing")
                .contains("no re-embed of alias kembed");

        // A tenant's re-embed: its own alias, collection and groups; the shared alias's re-embed is a separate one.
        Run tenant = run("reembed", "start", "--model", "e5-small-v2-q", "--tenant", "t", "--no-run");
        assertThat(tenant.exit()).as(tenant.out()).isZero();
        assertThat(tenant.out()).contains("re-embed of alias kembed.t-t started: all-minilm-l6-v2-q -> e5-small-v2-q")
                .contains("into collection kembed.t-t__e5-small-v2-q")
                .contains("kembed worker embed --model e5-small-v2-q --application-id "
                        + "kembed-embed-e5-small-v2-q--kembed.t-t --tenant 't'")
                .contains("--collection kembed.t-t__e5-small-v2-q --tenant 't'");
        Run tenantStatus = run("reembed", "status", "--tenant", "t", "--interval", "1");
        assertThat(tenantStatus.out()).as(tenantStatus.out()).contains("alias kembed.t-t -> " + collectionA)
                .contains("kembed-sink-kembed.t-t__e5-small-v2-q").contains("not caught up");
        assertThat(run("reembed", "cutover", "--tenant", "t").exit()).as("the tenant has not caught up").isEqualTo(1);
        assertThat(aliases.resolve("kembed.t-t")).isEmpty();
        assertThat(run("reembed", "status", "--interval", "1").out()).as("the shared alias has none")
                .contains("no re-embed of alias kembed");

        Run start = run("reembed", "start", "--model", "e5-small-v2-q", "--no-run");
        assertThat(start.exit()).as(start.out()).isZero();
        assertThat(start.out()).contains("re-embed of alias kembed started: all-minilm-l6-v2-q -> e5-small-v2-q")
                .contains("kembed__e5-small-v2-q");

        Run status = run("reembed", "status", "--interval", "1");
        assertThat(status.exit()).as(status.out()).isZero();
        assertThat(status.out()).contains("RUNNING").contains("kembed-embed-e5-small-v2-q")
                .contains("kembed-sink-kembed__e5-small-v2-q").contains(PREFIX + ".vectors.v1.e5-small-v2-q-0")
                .contains("not caught up");

        // No worker of the new model ran: cutover refuses, the alias stays on A.
        assertThat(run("reembed", "cutover").exit()).isEqualTo(1);
        assertThat(aliases.resolve("kembed")).contains(collectionA);
        assertThat(run("reembed", "start", "--model", "e5-small-v2-q", "--no-run").exit())
                .as("a second start while one runs").isNotZero();
    }
}

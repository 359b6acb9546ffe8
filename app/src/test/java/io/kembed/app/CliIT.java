package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: {@code kembed demo} on a slice of the register, then {@code kembed search}. */
class CliIT {

    @TempDir
    Path work;

    private record Run(int exit, String out) {
    }

    private static Run run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = io.kembed.app.KembedCli.commandLine().execute(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void demo_importsAndSearches_thenSearchFindsTheStoredContacts() throws Exception {
        // a rerank budget no busy CI machine misses: this test checks the labels, not the latency
        Run demo = run("demo", "--limit", "80", "--work-dir", work.toString(), "--model", "all-minilm-l6-v2-q",
                "--partitions", "2", "--rerank-timeout-ms", "120000");
        assertThat(demo.out()).contains("80 of 80 contacts searchable");
        assertThat(demo.exit()).as(demo.out()).isZero();
        assertThat(demo.out()).contains("search \"protection des données personnelles et vie privée\"");
        assertThat(demo.out()).contains("RERANKED by bi-encoder:bge-small-en-v1.5 (BI_ENCODER_FALLBACK)");

        Run search = run("search", "--model", "all-minilm-l6-v2-q", "--lucene-dir", work.resolve("lucene").toString(),
                "-k", "3", "--rerank-timeout-ms", "120000", "renewable energy");
        assertThat(search.exit()).as(search.out()).isZero();
        assertThat(search.out()).contains("3 hits for \"renewable energy\" in tenant eu-register")
                .contains("rerank: RERANKED by bi-encoder:bge-small-en-v1.5 (BI_ENCODER_FALLBACK)");

        Run plain = run("search", "--model", "all-minilm-l6-v2-q", "--lucene-dir", work.resolve("lucene").toString(),
                "-k", "3", "--no-rerank", "renewable energy");
        assertThat(plain.exit()).as(plain.out()).isZero();
        assertThat(plain.out()).contains("rerank: SKIPPED").contains("(vector rank 1)").contains("(vector rank 3)");

        Path queries = work.resolve("q.jsonl");
        Files.write(queries, List.of("{\"_id\":\"q1\",\"text\":\"wind energy\"}", "{\"_id\":\"q2\",\"text\":\"banks\"}"));
        Path runFile = work.resolve("run.tsv");
        Run batch = run("search", "--model", "all-minilm-l6-v2-q", "--lucene-dir", work.resolve("lucene").toString(),
                "-k", "5", "--rerank-timeout-ms", "120000", "--queries", queries.toString(), "--run-out",
                runFile.toString());
        assertThat(batch.exit()).as(batch.out()).isZero();
        List<String> lines = Files.readAllLines(runFile);
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).matches("q1 Q0 \\S+ 1 -?\\d+\\.\\d{6} kembed");
    }

    @Test
    void unknownModel_isAOneLineError_notAStackTrace() {
        Run r = run("search", "--model", "no-such-model", "x");
        assertThat(r.exit()).isEqualTo(2);
    }
}

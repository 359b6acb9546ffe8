package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    @Test
    void notATerminal_printsPlainLines_withoutCarriageReturns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

        progress.onStart(Path.of("rows.jsonl.gz"), OptionalLong.of(10), 1234);
        progress.onProgress(4, OptionalLong.of(10), 600);
        progress.onReject(new Rejection(3, "BAD_JSON", "oops", "{"));
        progress.onProgress(10, OptionalLong.of(10), 1234);
        progress.onFinish(new ImportSummary(10, 9, 1, 0, 0, 1234, 2000));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r").doesNotContain("\u001b[");
        assertThat(out.lines().count()).as(out).isBetween(2L, 4L); // initial + final bar line, summary
        assertThat(out).contains("import rows.jsonl.gz").contains("10/10").contains("1 rejected")
                .contains("9 published, 1 rejected");
    }

    @Test
    void unknownTotal_showsAnIndefiniteBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress =
                new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            progress.onStart(Path.of("rows.jsonl"), OptionalLong.empty(), 100);
            progress.onProgress(7, OptionalLong.empty(), 50);
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("7").doesNotContain("\r");
    }

    @Test
    void terminal_redrawsInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

        progress.onStart(Path.of("rows.jsonl"), OptionalLong.of(3), 100);
        progress.onProgress(3, OptionalLong.of(3), 100);
        progress.close();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\r").contains("3/3");
    }
}

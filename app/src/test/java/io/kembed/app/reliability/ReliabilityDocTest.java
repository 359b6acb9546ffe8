package io.kembed.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReliabilityDocTest {

    @Test
    void rendersEveryScenarioFileGroupedBySuite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("reliability");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("fault.a.json"), """
                {"id":"fault.a","suite":"Fault suite","title":"worker killed","events":3000,"faults":5,
                 "faultKind":"SIGKILL","lost":0,"duplicated":0,"stale":0,"outcome":"passed",
                 "figures":{"restarts":5},"seconds":41.2}""");
        Files.writeString(dir.resolve("bad.b.json"), """
                {"id":"bad.b","suite":"Bad input","title":"bad | json","events":210,"outcome":"failed",
                 "error":"expected 0","figures":{},"seconds":3.0}""");
        Path out = tmp.resolve("docs/RELIABILITY.md");

        ReliabilityDoc.main(new String[] {dir.toString(), out.toString()});

        String md = Files.readString(out);
        assertThat(md).contains("2 scenario runs: 1 passed, 1 failed")
                .contains("## Fault suite").contains("## Bad input")
                .contains("| worker killed (`fault.a`) | 3000 | 5 × SIGKILL | 0 | 0 | 0 | restarts 5 | passed | 41.2 |")
                .contains("bad \\| json").contains("failed: expected 0");
        assertThat(md.indexOf("## Bad input")).isLessThan(md.indexOf("## Fault suite")); // sorted by id
    }

    @Test
    void leavesTheDocumentAloneWithoutScenarioFiles(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("RELIABILITY.md");
        Files.writeString(out, "previous run");
        ReliabilityDoc.main(new String[] {tmp.resolve("none").toString(), out.toString()});
        assertThat(Files.readString(out)).isEqualTo("previous run");
    }

    @Test
    void reportWritesItsFigures() throws Exception {
        ReliabilityReport.scenario("selftest.report", "Self test", "writes a file").events(3).lost(0)
                .figure("x", 1).passed();
        String json = Files.readString(ReliabilityReport.DIR.resolve("selftest.report.json"));
        assertThat(json).contains("\"events\" : 3").contains("\"outcome\" : \"passed\"").contains("\"x\" : 1");
        Files.delete(ReliabilityReport.DIR.resolve("selftest.report.json"));
        assertThat(ReliabilityDoc.render(ReliabilityReport.readAll(Path.of("no-such-dir")), Instant.EPOCH))
                .contains("0 scenario runs");
    }
}

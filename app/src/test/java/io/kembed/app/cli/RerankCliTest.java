package io.kembed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.KembedCli;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.CrossEncoderOptions;
import io.kembed.rerank.CrossEncoderSpec.Family;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The rerank CLI options and {@code bench rerank}'s missing-model message, without Kafka. */
class RerankCliTest {

    private static final Path TINY = Path.of("..", "rerank-worker", "src", "test", "resources", "cross-encoder-tiny")
            .toAbsolutePath().normalize();

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        RerankerOptions reranker;
    }

    private static RerankerOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.reranker;
    }

    @Test
    void maxPairTokens_defaultsToTheOptionsDefault_andTheFlagReachesTheLoadedCrossEncoder() {
        RerankerOptions defaults = parse();
        assertThat(defaults.options().maxPairTokens()).isEqualTo(CrossEncoderOptions.DEFAULT_MAX_PAIR_TOKENS);
        assertThat(defaults.options().intraOpThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.options().hubEndpoint()).isEqualTo(URI.create("https://huggingface.co/"));
        assertThat(defaults.spec().id()).isEqualTo("ms-marco-minilm-l6-v2");

        RerankerOptions custom = parse("--cross-encoder", "ms-marco-minilm-l6-v2", "--cross-encoder-dir", TINY.toString(),
                "--max-pair-tokens", "12", "--rerank-threads", "1");
        assertThat(custom.spec().family()).isEqualTo(Family.BERT);
        try (CrossEncoder encoder = CrossEncoder.load(custom.spec(),
                custom.options().withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()))) {
            assertThat(encoder.maxPairTokens()).isEqualTo(12);
        }
    }

    @Test
    void tooSmallACap_orAnUnknownId_isAUserError() {
        assertThat(runErr("worker", "rerank", "--bootstrap-servers", "localhost:1", "--max-pair-tokens", "4"))
                .contains("maxPairTokens must be >= 8");
        assertThat(runErr("worker", "rerank", "--bootstrap-servers", "localhost:1", "--cross-encoder", "nope"))
                .contains("unknown cross-encoder 'nope'");
    }

    @Test
    void benchRerank_withoutModelDir_failsNamingTheFixtureScript() {
        String err = runErr("bench", "rerank");
        assertThat(err).contains("--model-dir DIR is required")
                .contains("/usr/bin/python3 rerank-worker/scripts/make_cross_encoder_fixtures.py --full-size");
    }

    private static String runErr(String... args) {
        CommandLine cl = KembedCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        assertThat(code).as(err.toString()).isEqualTo(2);
        return err.toString();
    }
}

package io.kembed.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import io.kembed.embed.model.ModelLoadException;
import io.kembed.rerank.CrossEncoderSpec.Family;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's pins and their download wiring, through the embed worker's real {@code ModelLoader} and HTTP
 * client, against a JDK HTTP server on loopback standing in for the Hugging Face hub (unreachable from the build
 * machines). The server answers every {@code <repo>/resolve/<revision>/<file>} path with the tiny fixture's file of
 * the same name, so the real pins must fail their sha256 check and a spec re-pinned to the fixture's digests loads.
 */
class CrossEncoderRegistryTest {

    private static final Path TINY = CrossEncoderTest.TINY;

    private HttpServer server;
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private URI hub;

    @TempDir
    Path cache;

    @BeforeAll
    static void reference() throws IOException {
        CrossEncoderTest.readReference();
    }

    @BeforeEach
    void startHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            Path file = path.endsWith(".onnx") ? TINY.resolve("model.onnx")
                    : path.endsWith("tokenizer.json") ? TINY.resolve("tokenizer.json") : null;
            if (file == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        hub = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stopHub() {
        server.stop(0);
    }

    private CrossEncoderOptions options() {
        return CrossEncoderOptions.defaults().withCacheDir(cache).withHubEndpoint(hub);
    }

    @Test
    void entries_arePinnedToRevisionsAndDigests_withTheirFamilies() {
        assertThat(CrossEncoderRegistry.all()).extracting(CrossEncoderSpec::id).containsExactly(
                "ms-marco-minilm-l6-v2", "ms-marco-minilm-l6-v2-q", "bge-reranker-base-q", "bge-reranker-v2-m3-q");
        assertThat(CrossEncoderRegistry.all()).allMatch(CrossEncoderSpec::pinned)
                .allMatch(s -> s.revision().matches("[0-9a-f]{40}"))
                .allMatch(s -> s.onnxSha256().matches("[0-9a-f]{64}") && s.tokenizerSha256().matches("[0-9a-f]{64}"));
        CrossEncoderSpec m3 = CrossEncoderRegistry.get("bge-reranker-v2-m3-q");
        assertThat(m3.family()).isEqualTo(Family.XLM_ROBERTA);
        assertThat(m3.family().padId()).isEqualTo(1);
        assertThat(m3.maxPositions()).isEqualTo(8192);
        assertThat(m3.url(m3.onnxFile())).hasToString("https://huggingface.co/onnx-community/bge-reranker-v2-m3-ONNX"
                + "/resolve/6f5ff65298512715a1e669753bc754d2bc8f367b/onnx/model_quantized.onnx");
        assertThat(CrossEncoderRegistry.get("bge-reranker-base-q").family()).isEqualTo(Family.XLM_ROBERTA);
        assertThat(CrossEncoderRegistry.get(CrossEncoderRegistry.DEFAULT_ID).family()).isEqualTo(Family.BERT);
        assertThatThrownBy(() -> CrossEncoderRegistry.get("nope")).hasMessageContaining("ms-marco-minilm-l6-v2");
    }

    @Test
    void everyEntry_downloadsItsPinnedPaths_andRejectsAFileWhoseSha256DiffersFromThePin() {
        for (CrossEncoderSpec spec : CrossEncoderRegistry.all()) {
            requested.clear();
            String prefix = "/" + spec.huggingFaceRepo() + "/resolve/" + spec.revision() + "/";
            assertThatThrownBy(() -> CrossEncoder.load(spec, options()))
                    .as(spec.id())
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("sha256 mismatch")
                    .hasMessageContaining(hub + prefix.substring(1) + spec.tokenizerFile())
                    .hasMessageContaining("pinned " + spec.tokenizerSha256())
                    .hasMessageContaining("discarded");
            // the tokenizer is fetched first and fails; nothing unverified is left in the cache
            assertThat(requested).as(spec.id()).containsExactly(prefix + spec.tokenizerFile());
            assertThat(cache.resolve(spec.id()).resolve("tokenizer.json")).doesNotExist();
            assertThat(cache.resolve(spec.id()).resolve("model.onnx")).doesNotExist();
        }
    }

    @Test
    void entryRepinnedToTheServedFiles_downloadsBoth_verifies_caches_andScores() throws Exception {
        CrossEncoderSpec spec = CrossEncoderRegistry.get("ms-marco-minilm-l6-v2-q")
                .withSha256(sha256(TINY.resolve("model.onnx")), sha256(TINY.resolve("tokenizer.json")));
        String prefix = "/Xenova/ms-marco-MiniLM-L-6-v2/resolve/a09144355adeed5f58c8ed011d209bf8ee5a1fec/";
        try (CrossEncoder encoder = CrossEncoder.load(spec, options())) {
            assertThat(requested).containsExactly(prefix + "tokenizer.json", prefix + "onnx/model_quantized.onnx");
            assertThat(cache.resolve(spec.id()).resolve("model.onnx")).hasSameBinaryContentAs(TINY.resolve("model.onnx"));
            float[] scores = encoder.score(CrossEncoderTest.QUERIES.get(0), CrossEncoderTest.PASSAGES.subList(0, 1));
            assertThat(scores[0]).isCloseTo(CrossEncoderTest.LOGITS.get(0), within(1e-4f));
        }
        requested.clear();
        try (CrossEncoder again = CrossEncoder.load(spec, options())) {
            assertThat(requested).as("second load comes from the verified cache").isEmpty();
        }
    }

    @Test
    void missingFileAtThePinnedRevision_failsWithTheHttpStatus() {
        CrossEncoderSpec spec = new CrossEncoderSpec("missing", "org/model", "0123456789abcdef0123456789abcdef01234567",
                Family.BERT, 512, "onnx/model.onnx", "a".repeat(64), "vocab.txt", "b".repeat(64), null);
        assertThatThrownBy(() -> CrossEncoder.load(spec, options()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void unpinnedSpec_failsBeforeAnyDownload_askingForTheSha256() {
        CrossEncoderSpec unpinned = new CrossEncoderSpec("unpinned", "org/model", "main", Family.XLM_ROBERTA, 512,
                "onnx/model.onnx", null, "tokenizer.json", null, null);
        assertThat(unpinned.pinned()).isFalse();
        assertThatThrownBy(() -> CrossEncoder.load(unpinned, options()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no pinned sha256")
                .hasMessageContaining("withSha256");
        assertThat(requested).isEmpty();
        assertThat(unpinned.withSha256("a".repeat(64), "b".repeat(64)).pinned()).isTrue();
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

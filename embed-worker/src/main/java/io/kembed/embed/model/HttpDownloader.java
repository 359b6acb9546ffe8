package io.kembed.embed.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a file to disk and checks it against a pinned SHA-256. The body goes to a temporary file next to the
 * target and is moved into place only once its digest matches, so the target is either absent or complete and
 * verified.
 */
final class HttpDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDownloader.class);

    /** Time allowed to open a connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Time allowed until the response headers arrive; the body itself may take as long as it needs. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;

    HttpDownloader(HttpClient client) {
        this.client = client;
    }

    /** A client that follows redirects (Hugging Face's {@code resolve} URLs redirect to a CDN), except to HTTP. */
    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * Downloads {@code uri} to {@code target}, replacing it.
     *
     * @param expectedSha256 pinned digest, hex
     * @throws ModelLoadException on an HTTP status other than 200 or a digest mismatch; nothing is left on disk
     * @throws IOException on a network or disk failure; nothing is left on disk
     * @throws InterruptedException if interrupted while waiting for the response
     */
    void download(URI uri, String expectedSha256, Path target) throws IOException, InterruptedException {
        Files.createDirectories(target.getParent());
        Path part = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
        boolean moved = false;
        try {
            long started = System.nanoTime();
            LOG.info("Downloading {} to {}", uri, target);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT).GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = Sha256.newDigest();
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new ModelLoadException("HTTP " + response.statusCode() + " for " + uri);
                }
                try (DigestInputStream in = new DigestInputStream(body, digest)) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String actual = Sha256.hex(digest);
            if (!Sha256.matches(expectedSha256, actual)) {
                throw new ModelLoadException("sha256 mismatch for " + uri + ": got " + actual + ", pinned "
                        + expectedSha256 + "; the download was discarded");
            }
            CacheFiles.moveIntoPlace(part, target);
            moved = true;
            LOG.info("Downloaded {} ({} bytes) in {} ms", uri, Files.size(target),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        } finally {
            if (!moved) {
                Files.deleteIfExists(part);
            }
        }
    }
}

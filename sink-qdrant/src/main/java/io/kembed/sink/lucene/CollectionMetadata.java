package io.kembed.sink.lucene;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The small metadata file beside a collection's Lucene index, {@value #FILE_NAME}: it records the vector dimensions
 * the collection was created with, so that opening it with other dimensions fails with a clear message instead of a
 * Lucene error on the first write. Lucene leaves the file alone: its name matches no index file pattern.
 */
final class CollectionMetadata {

    static final String FILE_NAME = "kembed-collection.properties";

    /** Layout version of the metadata file and of the index fields ({@link LuceneDocuments}). */
    static final int FORMAT = 1;

    private CollectionMetadata() {
    }

    /**
     * Records {@code dims} for a new collection, or checks that an existing collection was made with {@code dims}.
     * Call it while holding the index's write lock, so two stores cannot race on a new collection.
     *
     * @throws IllegalArgumentException if the collection exists with other dimensions or an unknown format
     * @throws IOException if the file cannot be read or written
     */
    static void createOrVerify(Path indexDir, String collection, int dims) throws IOException {
        Path file = indexDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            verify(file, collection, dims);
        } else {
            write(file, collection, dims);
        }
    }

    private static void verify(Path file, String collection, int dims) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        int format = parseInt(p, "format", file);
        if (format != FORMAT) {
            throw new IllegalArgumentException("Lucene collection '" + collection + "' at " + file.getParent()
                    + " has format " + format + "; this version reads format " + FORMAT);
        }
        int existing = parseInt(p, "dims", file);
        if (existing != dims) {
            throw new IllegalArgumentException("Lucene collection '" + collection + "' at " + file.getParent()
                    + " holds " + existing + "-dim vectors; cannot open it for " + dims
                    + "-dim vectors (use a new collection for another model)");
        }
    }

    private static void write(Path file, String collection, int dims) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(FORMAT));
        p.setProperty("collection", collection);
        p.setProperty("dims", Integer.toString(dims));
        p.setProperty("similarity", "DOT_PRODUCT over L2-normalised vectors (cosine)");
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "kembed vector collection: written once when the collection is created; do not edit");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int parseInt(Properties p, String key, Path file) {
        String value = p.getProperty(key);
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": '" + key + "' is missing or not a number: " + value, e);
        }
    }
}

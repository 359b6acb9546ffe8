package io.kembed.sink.lucene;

import io.kembed.core.store.CollectionAliases;
import io.kembed.core.store.VectorStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link CollectionAliases} for the embedded Lucene store: one small file per alias,
 * {@code <lucene dir>/aliases/<alias>.alias}, holding the collection name (UTF-8, one line). A swap writes a
 * temporary file in the same directory and renames it over the alias file with {@code ATOMIC_MOVE}, so a reader
 * (in this process or another on the same directory) reads the old name or the new one, never a partial file and
 * never none. Readers re-read the file on every {@link #resolve}: a few microseconds, against milliseconds for a
 * search.
 */
public final class LuceneAliases implements CollectionAliases {

    static final String SUFFIX = ".alias";

    private final Path dir;

    private LuceneAliases(Path dir) {
        this.dir = dir;
    }

    /**
     * The aliases of the Lucene store in {@code luceneDir} (the directory holding one sub-directory per
     * collection).
     *
     * @throws VectorStoreException if the alias directory cannot be created
     */
    public static LuceneAliases open(Path luceneDir) {
        Path dir = luceneDir.resolve("aliases");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new VectorStoreException("cannot create " + dir, e);
        }
        return new LuceneAliases(dir);
    }

    @Override
    public Optional<String> resolve(String alias) {
        Path file = dir.resolve(CollectionAliases.checkName("alias", alias) + SUFFIX);
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new VectorStoreException("cannot read alias file " + file, e);
        }
    }

    @Override
    public synchronized void swap(String alias, String collection) {
        CollectionAliases.checkName("alias", alias);
        CollectionAliases.checkName("collection", collection);
        Path target = dir.resolve(alias + SUFFIX);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, alias + ".", ".tmp");
            Files.writeString(tmp, collection + "\n", StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true); // the content is on disk before the rename makes it the alias
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new VectorStoreException("cannot point alias " + alias + " at " + collection, e);
        }
    }

    @Override
    public synchronized void delete(String alias) {
        try {
            Files.deleteIfExists(dir.resolve(CollectionAliases.checkName("alias", alias) + SUFFIX));
        } catch (IOException e) {
            throw new VectorStoreException("cannot delete alias " + alias, e);
        }
    }

    @Override
    public Map<String, String> list() {
        Map<String, String> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String alias = name.substring(0, name.length() - SUFFIX.length());
                resolve(alias).ifPresent(c -> out.put(alias, c));
            }
        } catch (IOException e) {
            throw new VectorStoreException("cannot list " + dir, e);
        }
        return out;
    }

    /** {@inheritDoc} Deletes {@code <lucene dir>/<collection>/} recursively. */
    @Override
    public synchronized void dropCollection(String collection) {
        CollectionAliases.checkName("collection", collection);
        if (list().containsValue(collection)) {
            throw new IllegalStateException("an alias still points at " + collection + ": " + list());
        }
        Path root = dir.getParent().resolve(collection);
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new VectorStoreException("cannot delete collection " + root, e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a stray .tmp file is never read as an alias
        }
    }

    @Override
    public String toString() {
        return "LuceneAliases[" + dir + "]";
    }
}

package io.kembed.embed.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * One model's cache directory, {@code <cacheDir>/<model id>/}: {@code model.onnx}, {@code tokenizer.json} and a
 * marker, {@code source.properties}, written last. The marker records which source (with its pins) produced the
 * files and their sizes in bytes; files are reused only if the marker names the same source and the sizes still
 * match, so a later pin change or a half-written file is never taken for a good one.
 */
final class CacheFiles {

    static final String ONNX = "model.onnx";
    static final String TOKENIZER = "tokenizer.json";
    static final String MARKER = "source.properties";

    private final Path dir;

    CacheFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path onnx() {
        return dir.resolve(ONNX);
    }

    Path tokenizer() {
        return dir.resolve(TOKENIZER);
    }

    ModelFiles files() {
        return new ModelFiles(onnx(), tokenizer());
    }

    /** @return the cached files if the marker names {@code sourceKey} and both files have the recorded sizes */
    Optional<ModelFiles> reusable(String sourceKey) throws IOException {
        Properties marker = new Properties();
        try {
            marker.load(new StringReader(Files.readString(dir.resolve(MARKER), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!sourceKey.equals(marker.getProperty("source"))) {
            return Optional.empty();
        }
        if (sizeOrMinusOne(onnx()) != parse(marker.getProperty("onnx.bytes"))
                || sizeOrMinusOne(tokenizer()) != parse(marker.getProperty("tokenizer.bytes"))) {
            return Optional.empty();
        }
        return Optional.of(files());
    }

    /** Removes the marker before files are replaced, so an interrupted refresh is never reused. */
    void invalidate() throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MARKER));
    }

    /** Records that the current files came from {@code sourceKey}; call after both are in place. */
    void commit(String sourceKey) throws IOException {
        Properties marker = new Properties();
        marker.setProperty("source", sourceKey);
        marker.setProperty("onnx.bytes", Long.toString(Files.size(onnx())));
        marker.setProperty("tokenizer.bytes", Long.toString(Files.size(tokenizer())));
        StringWriter text = new StringWriter();
        marker.store(text, "kembed model cache; delete this directory to refetch");
        Path part = Files.createTempFile(dir, MARKER + ".", ".part");
        try {
            Files.writeString(part, text.toString(), StandardCharsets.UTF_8);
            moveIntoPlace(part, dir.resolve(MARKER));
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Copies a stream to {@code target} through a temporary file in the same directory and an atomic move. */
    static void writeAtomically(InputStream in, Path target) throws IOException {
        Path part = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(part)) {
                in.transferTo(out);
            }
            moveIntoPlace(part, target);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Renames {@code part} to {@code target} atomically where the file system can, replacing {@code target}. */
    static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long sizeOrMinusOne(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : -1;
    }

    private static long parse(String value) {
        try {
            return value == null ? -2 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -2; // a damaged marker matches no file
        }
    }
}

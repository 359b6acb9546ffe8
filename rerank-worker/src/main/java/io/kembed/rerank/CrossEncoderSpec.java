package io.kembed.rerank;

import io.kembed.core.model.ModelSource;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.model.Pooling;
import io.kembed.embed.model.ModelLoadException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A cross-encoder kembed can run: a sequence-classification ONNX graph with one logit per query/passage pair, and
 * its Hugging Face {@code tokenizer.json}.
 *
 * <p>Weights come from {@code https://huggingface.co/<repo>/resolve/<revision>/<file>} (or the same path under another
 * hub endpoint, {@link CrossEncoderOptions#hubEndpoint()}), downloaded by the embed worker's
 * {@link io.kembed.embed.model.ModelLoader} and each file checked against its pinned sha256, or from a local directory
 * ({@link #withLocalDirectory}). An entry whose sha256 is not known is
 * <em>unpinned</em> ({@code null}): loading it from Hugging Face fails with a message asking for the digests
 * ({@link #withSha256}), because kembed never runs weights it cannot verify.
 *
 * @param id registry id, for example {@code ms-marco-minilm-l6-v2}
 * @param huggingFaceRepo the Hugging Face repository the files come from, for example
 *     {@code Xenova/bge-reranker-base} (an ONNX export of {@code BAAI/bge-reranker-base})
 * @param revision the Hugging Face revision in the URLs (a commit id where known)
 * @param family the architecture family, which decides the padding id and whether {@code token_type_ids} matter
 * @param maxPositions the longest sequence the model takes, special tokens included (its
 *     {@code max_position_embeddings} minus what the family reserves)
 * @param onnxFile path of the ONNX graph inside the repository
 * @param onnxSha256 pinned digest of the graph, hex, or {@code null} if unpinned
 * @param tokenizerFile path of {@code tokenizer.json} inside the repository
 * @param tokenizerSha256 pinned digest of the tokenizer, hex, or {@code null} if unpinned
 * @param localDirectory a directory with {@code model.onnx} and {@code tokenizer.json} used instead of Hugging Face,
 *     or {@code null}
 */
public record CrossEncoderSpec(String id, String huggingFaceRepo, String revision, Family family, int maxPositions,
        String onnxFile, String onnxSha256, String tokenizerFile, String tokenizerSha256, Path localDirectory) {

    /** Architecture families with their padding ids. */
    public enum Family {
        /** BERT and MiniLM: {@code [PAD]} is 0; the graph takes {@code token_type_ids} (segment 1 = passage). */
        BERT(0),
        /** XLM-RoBERTa (the BGE rerankers): {@code <pad>} is 1; no {@code token_type_ids} input. */
        XLM_ROBERTA(1);

        private final long padId;

        Family(long padId) {
            this.padId = padId;
        }

        public long padId() {
            return padId;
        }
    }

    public CrossEncoderSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, "family");
        if (maxPositions < 8) {
            throw new IllegalArgumentException("maxPositions must be >= 8, got " + maxPositions);
        }
        if (localDirectory == null) {
            Objects.requireNonNull(huggingFaceRepo, "huggingFaceRepo");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(onnxFile, "onnxFile");
            Objects.requireNonNull(tokenizerFile, "tokenizerFile");
        }
    }

    /** A model in a local directory ({@code model.onnx} + {@code tokenizer.json}), for tests and your own exports. */
    public static CrossEncoderSpec local(String id, Family family, int maxPositions, Path dir) {
        return new CrossEncoderSpec(id, null, null, family, maxPositions, null, null, null, null,
                Objects.requireNonNull(dir, "dir"));
    }

    /** @return true if both Hugging Face files have a pinned sha256 */
    public boolean pinned() {
        return onnxSha256 != null && tokenizerSha256 != null;
    }

    /** The same model with both digests pinned (hex sha256 of the files at this revision). */
    public CrossEncoderSpec withSha256(String onnx, String tokenizer) {
        return new CrossEncoderSpec(id, huggingFaceRepo, revision, family, maxPositions, onnxFile,
                Objects.requireNonNull(onnx, "onnx"), tokenizerFile, Objects.requireNonNull(tokenizer, "tokenizer"),
                localDirectory);
    }

    /** The same model loaded from {@code dir} instead of Hugging Face; nothing is checked or copied. */
    public CrossEncoderSpec withLocalDirectory(Path dir) {
        return new CrossEncoderSpec(id, huggingFaceRepo, revision, family, maxPositions, onnxFile, onnxSha256,
                tokenizerFile, tokenizerSha256, Objects.requireNonNull(dir, "dir"));
    }

    /** The Hugging Face hub, the default {@link CrossEncoderOptions#hubEndpoint()}. */
    public static final URI HUGGING_FACE = URI.create("https://huggingface.co/");

    /** @return {@code https://huggingface.co/<repo>/resolve/<revision>/<file>} */
    public URI url(String file) {
        return url(HUGGING_FACE, file);
    }

    /**
     * @param hub the hub's root, for example {@code https://huggingface.co/} or a mirror with the same layout
     * @return {@code <hub><repo>/resolve/<revision>/<file>}
     */
    public URI url(URI hub, String file) {
        String root = hub.toString().endsWith("/") ? hub.toString() : hub + "/";
        return URI.create(root + huggingFaceRepo + "/resolve/" + revision + "/" + file);
    }

    /**
     * The embed worker's model description, so {@code io.kembed.embed.model.ModelLoader} downloads (from
     * {@code hub}), verifies and caches the files ({@code dims} and {@code pooling} are placeholders a cross-encoder does not use).
     *
     * @throws ModelLoadException if the entry has no local directory and is unpinned
     */
    ModelSpec toModelSpec(URI hub) {
        ModelSource source;
        if (localDirectory != null) {
            source = new ModelSource.LocalDirectory(localDirectory);
        } else if (pinned()) {
            source = new ModelSource.Url(url(hub, onnxFile), onnxSha256, url(hub, tokenizerFile), tokenizerSha256);
        } else {
            throw new ModelLoadException("cross-encoder " + id + " (" + huggingFaceRepo + "@" + revision
                    + ") has no pinned sha256 for " + (onnxSha256 == null ? onnxFile : "")
                    + (onnxSha256 == null && tokenizerSha256 == null ? " and " : "")
                    + (tokenizerSha256 == null ? tokenizerFile : "")
                    + ": kembed does not download unverified weights. Pass the digests with "
                    + "CrossEncoderSpec.withSha256(onnxSha256, tokenizerSha256) (the \"SHA256:\" line of each file's "
                    + "page on huggingface.co), or use a local directory with model.onnx and tokenizer.json "
                    + "(withLocalDirectory)");
        }
        return new ModelSpec(id, huggingFaceRepo, revision, 1, Pooling.CLS, maxPositions, "", "", false,
                List.of(source));
    }
}

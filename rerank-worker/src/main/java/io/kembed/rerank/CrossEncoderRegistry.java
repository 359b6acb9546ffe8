package io.kembed.rerank;

import io.kembed.rerank.CrossEncoderSpec.Family;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cross-encoders kembed knows. Pins, and where they come from:
 * <ul>
 *   <li>{@code ms-marco-minilm-l6-v2} ({@code cross-encoder/ms-marco-MiniLM-L6-v2}, formerly
 *       {@code ms-marco-MiniLM-L-6-v2}, which Hugging Face redirects; BERT, 512 positions): {@code onnx/model.onnx}
 *       (91,011,230 bytes, sha256 {@code 5d3e70fd…}) and {@code tokenizer.json} (711,396 bytes, sha256
 *       {@code d241a60d…}, the BERT-uncased tokenizer file also shipped by BAAI/bge-small-en-v1.5). Both digests
 *       appear identically in several unrelated public repositories that download these files and check them
 *       (for example the model manifest of github.com/KalebKE/cairn); revision
 *       {@code c5ee24cb16019beea0893ab7796b1df96625c6b8} is the one a public evaluation contract records with the
 *       same model digest. Neither was checked against huggingface.co from this machine (no network to it): if the
 *       revision lacks the file the download fails with HTTP 404, and a different file fails its sha256 check; kembed
 *       never runs unverified weights.</li>
 *   <li>{@code bge-reranker-base} ({@code BAAI/bge-reranker-base}, XLM-RoBERTa, 512 positions) and
 *       {@code bge-reranker-v2-m3} ({@code BAAI/bge-reranker-v2-m3}, XLM-RoBERTa, 8192 positions): <b>unpinned</b>,
 *       no sha256 could be found; loading them from Hugging Face fails until you pass the digests
 *       ({@link CrossEncoderSpec#withSha256}) or a local export ({@link CrossEncoderSpec#withLocalDirectory}).
 *       BAAI's v2-m3 repository may carry no ONNX export at all; export one with {@code optimum-cli export onnx
 *       --task text-classification} and use the directory.</li>
 * </ul>
 */
public final class CrossEncoderRegistry {

    /** The default cross-encoder: the only entry with pinned digests. */
    public static final String DEFAULT_ID = "ms-marco-minilm-l6-v2";

    private static final List<CrossEncoderSpec> ALL = List.of(
            new CrossEncoderSpec(DEFAULT_ID, "cross-encoder/ms-marco-MiniLM-L6-v2",
                    "c5ee24cb16019beea0893ab7796b1df96625c6b8", Family.BERT, 512,
                    "onnx/model.onnx", "5d3e70fd0c9ff14b9b5169a51e957b7a9c74897afd0a35ce4bd318150c1d4d4a",
                    "tokenizer.json", "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", null),
            new CrossEncoderSpec("bge-reranker-base", "BAAI/bge-reranker-base", "main", Family.XLM_ROBERTA, 512,
                    "onnx/model.onnx", null, "tokenizer.json", null, null),
            new CrossEncoderSpec("bge-reranker-v2-m3", "BAAI/bge-reranker-v2-m3", "main", Family.XLM_ROBERTA, 8192,
                    "onnx/model.onnx", null, "tokenizer.json", null, null));

    private static final Map<String, CrossEncoderSpec> BY_ID =
            ALL.stream().collect(Collectors.toUnmodifiableMap(CrossEncoderSpec::id, Function.identity()));

    private CrossEncoderRegistry() {
    }

    /** @return every entry, default first */
    public static List<CrossEncoderSpec> all() {
        return ALL;
    }

    /** @throws NoSuchElementException naming the known ids if {@code id} is not one */
    public static CrossEncoderSpec get(String id) {
        CrossEncoderSpec spec = BY_ID.get(id);
        if (spec == null) {
            throw new NoSuchElementException("unknown cross-encoder '" + id + "'; known: " + BY_ID.keySet());
        }
        return spec;
    }
}

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
 *   <li>{@code ms-marco-minilm-l6-v2} ({@code cross-encoder/ms-marco-MiniLM-L-6-v2}, BERT, 512 positions):
 *       {@code onnx/model.onnx} (91,011,230 bytes) and {@code tokenizer.json} (711,396 bytes) pinned to the sha256
 *       values recorded in the public model manifest of github.com/KalebKE/cairn, which downloads the same files
 *       from {@code resolve/main}. No commit id is known here, so the URLs use {@code main}: if upstream changes a
 *       file the download fails its sha256 check (it never runs different weights). Not verified against
 *       huggingface.co from this machine.</li>
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
            new CrossEncoderSpec(DEFAULT_ID, "cross-encoder/ms-marco-MiniLM-L-6-v2", "main", Family.BERT, 512,
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

package io.kembed.rerank;

import io.kembed.rerank.CrossEncoderSpec.Family;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cross-encoders kembed knows, each pinned to a Hugging Face repository revision with the sha256 of both files.
 * The digests come from these public Hugging Face repositories at these revisions, as recorded (identically) by
 * several unrelated public projects that download and verify the same files; none could be checked against
 * huggingface.co from the build machines (no network to it). If a revision lacks a file the download fails with
 * HTTP 404; a different file fails its sha256 check and is discarded: kembed never runs unverified weights.
 * <ul>
 *   <li>{@code ms-marco-minilm-l6-v2} (default; BERT, 512 positions, fp32): {@code cross-encoder/ms-marco-MiniLM-L6-v2}
 *       (the repository once named {@code ms-marco-MiniLM-L-6-v2}; Hugging Face redirects the old name) at revision
 *       {@code c5ee24cb16019beea0893ab7796b1df96625c6b8}: {@code onnx/model.onnx} (91,011,230 bytes, sha256
 *       {@code 5d3e70fd…}) and {@code tokenizer.json} (711,396 bytes, sha256 {@code d241a60d…}, the BERT-uncased
 *       tokenizer file also shipped by BAAI/bge-small-en-v1.5).</li>
 *   <li>{@code ms-marco-minilm-l6-v2-q} (the same model, int8): {@code Xenova/ms-marco-MiniLM-L-6-v2} at revision
 *       {@code a09144355adeed5f58c8ed011d209bf8ee5a1fec}: {@code onnx/model_quantized.onnx} (23,143,499 bytes, sha256
 *       {@code e9d8ebf8…}) and {@code tokenizer.json} (the same 711,396-byte file, sha256 {@code d241a60d…}).</li>
 *   <li>{@code bge-reranker-base-q} ({@code BAAI/bge-reranker-base}, XLM-RoBERTa, 512 positions, int8):
 *       {@code Xenova/bge-reranker-base} at revision {@code 280bcc27a84e0b898c251e06fddb25171bd9b101}:
 *       {@code onnx/model_quantized.onnx} (sha256 {@code dd98f3e6…}) and {@code tokenizer.json} (sha256
 *       {@code 48564c5c…}).</li>
 *   <li>{@code bge-reranker-v2-m3-q} ({@code BAAI/bge-reranker-v2-m3}, multilingual XLM-RoBERTa, 8192 positions,
 *       int8): {@code onnx-community/bge-reranker-v2-m3-ONNX} at revision
 *       {@code 6f5ff65298512715a1e669753bc754d2bc8f367b}: {@code onnx/model_quantized.onnx} (570,727,094 bytes,
 *       sha256 {@code 912fc121…}) and {@code tokenizer.json} (17,082,900 bytes, sha256 {@code 8bf8afbf…}).</li>
 * </ul>
 * XLM-RoBERTa graphs take no {@code token_type_ids} and pad with id 1 ({@link Family#XLM_ROBERTA}); their
 * {@code max_position_embeddings} (514 and 8194) keep two positions for the padding offset. For any other export,
 * use a local directory ({@link CrossEncoderSpec#local}, {@link CrossEncoderSpec#withLocalDirectory}).
 */
public final class CrossEncoderRegistry {

    /** The default cross-encoder. */
    public static final String DEFAULT_ID = "ms-marco-minilm-l6-v2";

    /** The BERT-uncased {@code tokenizer.json} of both MiniLM entries, sha256. */
    private static final String MINILM_TOKENIZER_SHA256 =
            "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66";

    private static final List<CrossEncoderSpec> ALL = List.of(
            new CrossEncoderSpec(DEFAULT_ID, "cross-encoder/ms-marco-MiniLM-L6-v2",
                    "c5ee24cb16019beea0893ab7796b1df96625c6b8", Family.BERT, 512,
                    "onnx/model.onnx", "5d3e70fd0c9ff14b9b5169a51e957b7a9c74897afd0a35ce4bd318150c1d4d4a",
                    "tokenizer.json", MINILM_TOKENIZER_SHA256, null),
            new CrossEncoderSpec("ms-marco-minilm-l6-v2-q", "Xenova/ms-marco-MiniLM-L-6-v2",
                    "a09144355adeed5f58c8ed011d209bf8ee5a1fec", Family.BERT, 512,
                    "onnx/model_quantized.onnx", "e9d8ebf845c413e981c175bfe49a3bfa9b3dcce2a3ba54875ee5df5a58639fbe",
                    "tokenizer.json", MINILM_TOKENIZER_SHA256, null),
            new CrossEncoderSpec("bge-reranker-base-q", "Xenova/bge-reranker-base",
                    "280bcc27a84e0b898c251e06fddb25171bd9b101", Family.XLM_ROBERTA, 512,
                    "onnx/model_quantized.onnx", "dd98f3e67837d23210a6b7550c08cced4f61845b940ac45be3565840a10f3244",
                    "tokenizer.json", "48564c5c7d3fa64d85d95e65414a542385f88b0f128fd8d4163fd7a57f2be05c", null),
            new CrossEncoderSpec("bge-reranker-v2-m3-q", "onnx-community/bge-reranker-v2-m3-ONNX",
                    "6f5ff65298512715a1e669753bc754d2bc8f367b", Family.XLM_ROBERTA, 8192,
                    "onnx/model_quantized.onnx", "912fc1215c2dbff6499700534bd8d31253af01573861abbfc43afd1fab6cce5d",
                    "tokenizer.json", "8bf8afbfd11306bd872018c53bfdf2e160a56f8edbcf49933324404791c148d3", null));

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
            throw new NoSuchElementException("unknown cross-encoder '" + id + "'; known: "
                    + ALL.stream().map(CrossEncoderSpec::id).toList());
        }
        return spec;
    }
}

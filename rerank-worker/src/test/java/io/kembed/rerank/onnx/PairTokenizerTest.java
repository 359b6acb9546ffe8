package io.kembed.rerank.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.rerank.plan.EncodedPair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DJL's token ids for the fixture's pairs equal those the fixture script computed (scripts/make_cross_encoder_fixtures.py). */
class PairTokenizerTest {

    static final Path TINY = Path.of("src", "test", "resources", "cross-encoder-tiny");

    @Test
    void pairIds_andSegments_equalTheFixtureScripts() throws IOException {
        JsonNode reference = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile());
        try (PairTokenizer tokenizer = PairTokenizer.open(TINY.resolve("tokenizer.json"))) {
            for (JsonNode row : reference.get("pairs")) {
                EncodedPair pair = tokenizer.encodePairs(row.get("query").asText(),
                        List.of(row.get("passage").asText())).get(0);
                assertThat(pair.ids()).as(row.get("passage").asText()).containsExactly(longs(row.get("input_ids")));
                assertThat(pair.typeIds()).containsExactly(longs(row.get("token_type_ids")));
                assertThat(pair.truncated()).isFalse();
            }
        }
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}

package io.kembed.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A bulk run stopped through ONNX Runtime's terminate flag is re-run and gives the same vectors. */
class BiEncoderPreemptionTest {

    private static BiEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = BiEncoder.load(io.kembed.core.model.ModelRegistry.get("all-minilm-l6-v2-q"),
                TestModels.options().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void runStoppedByItsLane_isRunAgain_withTheSameResult() {
        List<String> texts = List.of("offshore wind energy in the North Sea", "consumer groups share partitions");
        List<PassageEmbedding> expected = encoder.embedPassages(texts);
        AtomicInteger admissions = new AtomicInteger();
        AtomicInteger stopped = new AtomicInteger();
        // Stops the first attempt of every batch before ONNX Runtime runs it (terminate flag set at start).
        InferenceLane stopFirstAttempt = preemptions -> {
            admissions.incrementAndGet();
            return new InferenceLane.Admission() {
                @Override
                public void started(Runnable stop) {
                    if (preemptions == 0) {
                        stopped.incrementAndGet();
                        stop.run();
                    }
                }

                @Override
                public void ended() {
                }

                @Override
                public void close() {
                }
            };
        };
        List<PassageEmbedding> got = encoder.embedPassages(texts, stopFirstAttempt);
        int runs = encoder.options().maxBatchSize() == 1 ? texts.size() : 1;
        assertThat(stopped).hasValue(runs);
        assertThat(admissions).as("each batch admitted twice: stopped, then run").hasValue(2 * runs);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(got.get(i).vector()).containsExactly(expected.get(i).vector());
        }
    }
}

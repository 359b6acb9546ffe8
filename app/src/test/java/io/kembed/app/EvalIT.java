package io.kembed.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.eval.BeirDataset;
import io.kembed.app.eval.BeirEvaluation;
import io.kembed.app.eval.NobelBeir;
import io.kembed.app.pipeline.LocalPipeline;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicAdmin;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kembed eval}'s engine on a BEIR-format set built from the Nobel laureates (prizes since 2010): the nDCG@10
 * through Kafka, the worker, the sink and Lucene equals the raw model's on the same data.
 */
class EvalIT {

    @TempDir
    Path work;

    @Test
    void pipelineNdcg_equalsTheRawModelsNdcg_onABeirSet() throws Exception {
        Path dir = work.resolve("nobel-2010");
        int[] sizes = NobelBeir.build(Path.of("..", "data", "nobel-laureates", "laureate.json"), dir, 2010);
        assertThat(sizes[0]).isGreaterThan(100);
        BeirDataset data = BeirDataset.load(dir);
        assertThat(data.queries()).hasSize(sizes[1]);
        try (BiEncoder encoder = BiEncoder.load(ModelRegistry.get("all-minilm-l6-v2-q"),
                BiEncoderOptions.forWorker(ModelRegistry.get("all-minilm-l6-v2-q")).withCacheDir(Path.of("target", "kembed-models").toAbsolutePath()))) {
            PipelineOptions options = new PipelineOptions(null, new TopicNames("eval"), TopicAdmin.Layout.EMBEDDED,
                    encoder.spec(), work.resolve("lucene"), "eval", work.resolve("state"), Map.of());
            BeirEvaluation.Result r;
            try (LocalPipeline pipeline = LocalPipeline.start(options, encoder)) {
                r = BeirEvaluation.run(data, pipeline, "beir", Duration.ofMinutes(5));
            }
            assertThat(r.docs()).isEqualTo(data.corpus().size());
            assertThat(r.pipeline().ndcg10()).isGreaterThan(0.5);
            assertThat(Math.abs(r.pipeline().ndcg10() - r.raw().ndcg10())).isLessThanOrEqualTo(0.005);
            assertThat(Math.abs(r.pipeline().recall100() - r.raw().recall100())).isLessThanOrEqualTo(0.005);
            assertThat(r.run()).hasSize(data.queries().size());
        }
    }
}

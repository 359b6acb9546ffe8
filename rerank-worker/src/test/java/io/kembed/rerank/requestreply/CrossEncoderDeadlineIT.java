package io.kembed.rerank.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.kafka.EmbeddedKafka;
import io.kembed.rerank.CrossEncoder;
import io.kembed.rerank.CrossEncoderOptions;
import io.kembed.rerank.CrossEncoderSpec;
import io.kembed.rerank.CrossEncoderSpec.Family;
import io.kembed.rerank.Reranker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker gives a cross-encoder what is left of each request's deadline; what does not fit keeps vector order. */
class CrossEncoderDeadlineIT {

    private static final Path TINY = Path.of("src", "test", "resources", "cross-encoder-tiny").toAbsolutePath();

    @Test
    void tightDeadline_givesAPartialReply_withUnscoredCandidatesInVectorOrder_andMetricsRecordIt()
            throws InterruptedException {
        List<String> passages = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> "passage " + i + " about kafka partitions and consumer groups sharing a topic")
                .toList();
        // 5 ms per padded token before any measurement: each pair (~20 tokens) costs ~100 ms, so a 300 ms deadline
        // covers at most two or three of the 8
        CrossEncoderOptions options = CrossEncoderOptions.defaults()
                .withCacheDir(Path.of("target", "kembed-models").toAbsolutePath())
                .withInitialNanosPerToken(5_000_000);
        RerankTopics topics = new RerankTopics("ce");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Boolean> histogramOn = new java.util.ArrayList<>(); // what the timer asked of the registry
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().equals(RerankWorker.LATENCY)) {
                    histogramOn.add(config.isPercentileHistogram());
                }
                return config;
            }
        });
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                CrossEncoder encoder = CrossEncoder.load(CrossEncoderSpec.local("tiny-bert", Family.BERT, 64, TINY),
                        options);
                RerankWorker worker = RerankWorker.start(
                        RerankWorker.Config.defaults(kafka.bootstrapServers(), topics), encoder, registry);
                RerankClient client = RerankClient.create(kafka.bootstrapServers(), topics, "c1", Map.of())) {
            // an invalid request proves the worker is in its group without scoring (which would measure the cost)
            assertThatThrownBy(() -> client.rerankBlocking("", passages, 8, Duration.ofSeconds(30)))
                    .isInstanceOf(RerankException.class);
            RerankReply reply = client.request("kafka consumer groups", passages, 8, Duration.ofMillis(300)).join();
            assertThat(reply.kind()).isEqualTo(Reranker.Kind.CROSS_ENCODER);
            assertThat(reply.partial()).isTrue();
            assertThat(reply.results()).hasSize(8);
            long scored = reply.results().stream().filter(r -> r.score() != null).count();
            assertThat(scored).isLessThan(8);
            List<Integer> unscored = reply.results().stream().filter(r -> r.score() == null)
                    .map(RerankReply.Result::index).toList();
            assertThat(unscored).isSorted().allMatch(i -> i >= scored);

            // a request whose deadline has passed when the worker reads it is dropped and counted as expired
            assertThatThrownBy(() -> client.rerankBlocking("kafka", passages, 8, Duration.ofMillis(1)))
                    .isInstanceOf(RerankTimeoutException.class);
            long end = System.nanoTime() + 30_000_000_000L;
            while (worker.serverCounters().expired() + worker.counters().expiredInBatch() < 1
                    && System.nanoTime() < end) {
                Thread.sleep(20);
            }

            Tags tags = Tags.of("reranker", "cross-encoder:tiny-bert", "kind", "cross_encoder");
            Timer latency = registry.get(RerankWorker.LATENCY).tags(tags).timer();
            assertThat(latency.count()).as("one successful reply").isEqualTo(1);
            assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isPositive();
            assertThat(histogramOn).as("percentile histogram on").containsExactly(true);
            assertThat(registry.get(RerankWorker.PARTIAL).tags(tags).functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(RerankWorker.INVALID).tags(tags).functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(RerankWorker.EXPIRED).tags(tags).functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(RerankWorker.OVERLOADED).tags(tags).functionCounter().count()).isZero();
            assertThat(registry.get(RerankWorker.FAILED).tags(tags).functionCounter().count()).isZero();
            worker.close();
            assertThat(registry.getMeters()).as("meters removed on close").isEmpty();
        }
    }
}

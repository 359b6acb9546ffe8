package io.kembed.app.reembed;

import io.kembed.core.event.EntityKey;
import io.kembed.core.kafka.TopicNames;
import io.kembed.embed.BiEncoder;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code kembed reembed start --dry-run}: what a re-embed would take, from the real source state and the real
 * model, changing nothing.
 */
public final class DryRun {

    /** Texts per ONNX batch while measuring: the embed worker's default buffer of 64 changes per partition. */
    static final int BATCH = 64;

    /**
     * @param entities live entities (latest event an upsert) the replay embeds
     * @param deleted entities whose latest event is a delete
     * @param tokens tokens of their embeddable texts with the model's tokenizer (special tokens included, before
     *     truncation)
     * @param sampled texts embedded to measure throughput
     * @param textsPerSecond measured on one thread (one stream thread's share)
     * @param streamThreads stream threads the estimate assumes (one per core)
     * @param estimate entities / (textsPerSecond x streamThreads)
     */
    public record Estimate(String modelId, long entities, long deleted, long tokens, int sampled,
            double textsPerSecond, int streamThreads, Duration estimate) {

        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "dry run: re-embed to %s%n", modelId);
            out.printf(Locale.ROOT, "  entities to embed:  %,d (plus %,d deleted, not embedded)%n", entities, deleted);
            out.printf(Locale.ROOT, "  estimated tokens:   %,d (%s tokenizer, before truncation)%n", tokens,
                    modelId);
            out.printf(Locale.ROOT, "  measured:           %.1f texts/s on one thread (%,d texts sampled here)%n",
                    textsPerSecond, sampled);
            out.printf(Locale.ROOT, "  time estimate:      %s with %d stream thread(s), while the current model "
                    + "shares the cores%n", estimate == null ? "unknown" : estimate.withNanos(0), streamThreads);
        }
    }

    private DryRun() {
    }

    /**
     * Scans the change topics, counts tokens with {@code encoder}'s tokenizer, and times {@code sample} of the texts
     * through {@code encoder} in batches of {@value #BATCH}.
     */
    public static Estimate estimate(TopicNames topics, Map<String, Object> clientProperties,
            Predicate<String> tenants, BiEncoder encoder, int sample, int streamThreads) {
        Map<EntityKey, SourceScan.Latest> latest = SourceScan.latest(clientProperties, topics, tenants, true);
        long live = 0;
        long tokens = 0;
        List<String> texts = new ArrayList<>();
        for (SourceScan.Latest l : latest.values()) {
            if (l.deleted()) {
                continue;
            }
            live++;
            tokens += encoder.countTokens(l.text());
            if (texts.size() < sample) {
                texts.add(l.text());
            }
        }
        double rate = 0;
        if (!texts.isEmpty()) {
            encoder.embedPassages(texts.subList(0, Math.min(8, texts.size()))); // warm-up
            long t = System.nanoTime();
            for (int i = 0; i < texts.size(); i += BATCH) {
                encoder.embedPassages(texts.subList(i, Math.min(texts.size(), i + BATCH)));
            }
            rate = texts.size() / ((System.nanoTime() - t) / 1e9);
        }
        Duration estimate = rate <= 0 ? (live == 0 ? Duration.ZERO : null)
                : Duration.ofMillis((long) (1000 * live / (rate * streamThreads)));
        return new Estimate(encoder.spec().id(), live, latest.size() - live, tokens, texts.size(), rate,
                streamThreads, estimate);
    }
}

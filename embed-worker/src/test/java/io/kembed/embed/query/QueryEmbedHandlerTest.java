package io.kembed.embed.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.requestreply.Reply;
import io.kembed.core.requestreply.Request;
import io.kembed.embed.BiEncoder;
import io.kembed.embed.BiEncoderOptions;
import io.kembed.embed.PriorityGate;
import io.kembed.embed.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query server's batch logic without Kafka, on a real small model and a fixed clock. */
class QueryEmbedHandlerTest {

    private static final long NOW = 1_000_000L;
    private static BiEncoder encoder;

    @BeforeAll
    static void load() {
        ModelSpec spec = ModelRegistry.get("all-minilm-l6-v2-q");
        encoder = BiEncoder.load(spec, BiEncoderOptions.forWorker(spec).withCacheDir(TestModels.CACHE_DIR));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    private static QueryEmbedHandler handler(int maxPollChars, SimpleMeterRegistry registry) {
        QueryEmbedHandler[] self = new QueryEmbedHandler[1];
        QueryEmbedMetrics metrics = new QueryEmbedMetrics(registry, encoder.spec().id(),
                () -> self[0] == null ? 0 : self[0].expiredInBatch());
        self[0] = new QueryEmbedHandler(encoder, PriorityGate.create(), maxPollChars,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), metrics);
        return self[0];
    }

    private static Request request(String id, String json, long deadlineMs) {
        return new Request(id, "replies", 0, deadlineMs, null,
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private static QueryEmbedReply decode(Reply reply) {
        return QueryEmbedCodec.decodeReply(reply.payload());
    }

    @Test
    void mixedPoll_answersEachRequestInArrivalOrder_withItsOwnOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        QueryEmbedHandler h = handler(QueryEmbedRequest.MAX_TEXT_CHARS, registry);
        String big = "w ".repeat(QueryEmbedRequest.MAX_TEXT_CHARS / 2); // a whole budget; "ok" used some of it
        List<Reply> replies = h.handle(List.of(
                request("ok", "{\"text\":\"wind energy\"}", NOW + 5_000),
                request("empty", null, NOW + 5_000),
                request("array", "[1,2]", NOW + 5_000),
                request("big", "{\"text\":\"" + big + "\"}", NOW + 5_000),
                request("expired", "{\"text\":\"solar\"}", NOW),
                request("model", "{\"text\":\"solar\",\"model\":\"bge-small-en-v1.5-q\"}", NOW + 5_000)));
        assertThat(replies).extracting(Reply::correlationId).containsExactly("ok", "empty", "array", "big", "model");
        assertThat(decode(replies.get(0)).vector()).containsExactly(encoder.embedQuery("wind energy"));
        assertThat(decode(replies.get(1)).error().code()).isEqualTo(QueryEmbedErrorCode.INVALID_REQUEST);
        assertThat(decode(replies.get(2)).error().code()).isEqualTo(QueryEmbedErrorCode.INVALID_REQUEST);
        assertThat(decode(replies.get(3)).error().code()).isEqualTo(QueryEmbedErrorCode.OVERLOADED);
        assertThat(decode(replies.get(4)).error().code()).isEqualTo(QueryEmbedErrorCode.MODEL_UNAVAILABLE);
        QueryEmbedServer.Counters counters = h.counters();
        assertThat(counters.embedded()).isEqualTo(1);
        assertThat(counters.invalid()).isEqualTo(3);
        assertThat(counters.overloaded()).isEqualTo(1);
        assertThat(counters.expiredInBatch()).isEqualTo(1);
        assertThat(registry.get("kembed.query_embed.overloaded").counter().count()).isEqualTo(1);
        assertThat(registry.get("kembed.query_embed.expired").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("kembed.query_embed.latency").timer().count()).isEqualTo(5);
    }

    @Test
    void textOverTheByteLimit_isInvalid_evenUnderTheCharLimit() {
        QueryEmbedHandler h = handler(QueryEmbedServer.Config.DEFAULT_MAX_POLL_CHARS, new SimpleMeterRegistry());
        String emoji = "\uD83D\uDE00".repeat(QueryEmbedRequest.MAX_TEXT_CHARS / 2); // 2,048 chars, 4,096 bytes
        String cjk = "\u6F22".repeat(QueryEmbedRequest.MAX_TEXT_CHARS); // 2,048 chars, 6,144 bytes
        List<Reply> replies = h.handle(List.of(request("emoji", "{\"text\":\"" + emoji + "\"}", NOW + 60_000),
                request("cjk", "{\"text\":\"" + cjk + "\"}", NOW + 60_000)));
        assertThat(decode(replies.get(0)).error()).isNull();
        assertThat(decode(replies.get(1)).error().message()).contains("6144 UTF-8 bytes");
    }

    @Test
    void vectorsTravelAsBase64Float32_andDecodeToTheSameFloats() {
        float[] v = {0.6f, -0.8f, 0f, Float.MIN_VALUE};
        byte[] json = QueryEmbedCodec.encode(QueryEmbedReply.ok("m", v, 7, true));
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"vector\":\"").contains("\"dims\":4");
        QueryEmbedReply back = QueryEmbedCodec.decodeReply(json);
        assertThat(back.vector()).containsExactly(v);
        assertThat(back.tokens()).isEqualTo(7);
        assertThat(back.truncated()).isTrue();
    }
}

package io.kembed.rerank.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.rerank.Reranker;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RerankProtocolTest {

    @Test
    void validRequest_hasNoProblem_atTheLimits() {
        List<String> passages = Collections.nCopies(RerankRequest.MAX_PASSAGES, "x".repeat(RerankRequest.MAX_PASSAGE_CHARS));
        assertThat(new RerankRequest("q", passages, 5).validate()).isNull();
        assertThat(new RerankRequest("q", List.of(), 5).validate()).isNull();
    }

    @Test
    void limits_areEnforced_withAReason() {
        assertThat(new RerankRequest(" ", List.of("a"), 1).validate()).contains("query");
        assertThat(new RerankRequest(null, List.of("a"), 1).validate()).contains("query");
        assertThat(new RerankRequest("q", Collections.nCopies(RerankRequest.MAX_PASSAGES + 1, "a"), 1).validate())
                .contains("101 passages");
        assertThat(new RerankRequest("q", List.of("a", "x".repeat(RerankRequest.MAX_PASSAGE_CHARS + 1)), 1)
                .validate()).contains("passage 1");
        assertThat(new RerankRequest("q", null, 1).validate()).contains("passages");
        assertThat(new RerankRequest("q", java.util.Arrays.asList("a", null), 1).validate()).contains("null");
        assertThat(new RerankRequest("q", List.of("a"), 0).validate()).contains("topN");
        assertThat(new RerankRequest("x".repeat(RerankRequest.MAX_QUERY_CHARS + 1), List.of("a"), 1).validate())
                .contains("query");
    }

    @Test
    void requestAndReply_roundTripThroughJson() {
        RerankRequest request = new RerankRequest("q", List.of("a", "b"), 2);
        assertThat(RerankCodec.decodeRequest(RerankCodec.encode(request))).isEqualTo(request);
        RerankReply ok = new RerankReply(List.of(new RerankReply.Result(1, 0.5f)), "bi-encoder:m",
                Reranker.Kind.BI_ENCODER_FALLBACK, false, null);
        assertThat(RerankCodec.decodeReply(RerankCodec.encode(ok))).isEqualTo(ok);
        RerankReply partial = new RerankReply(List.of(new RerankReply.Result(1, 2.5f), new RerankReply.Result(0, null)),
                "cross-encoder:x", Reranker.Kind.CROSS_ENCODER, true, null);
        RerankReply decoded = RerankCodec.decodeReply(RerankCodec.encode(partial));
        assertThat(decoded).isEqualTo(partial);
        assertThat(decoded.rerankResults().get(1).score()).isNaN();
        Reranker stub = new Reranker() {
            @Override
            public String id() {
                return "stub";
            }

            @Override
            public Kind kind() {
                return Kind.CROSS_ENCODER;
            }

            @Override
            public List<io.kembed.rerank.RerankResult> rerank(String query, List<String> passages, int topN) {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
        assertThat(RerankReply.ok(List.of(new io.kembed.rerank.RerankResult(3, Float.NaN)), stub, true).results())
                .containsExactly(new RerankReply.Result(3, null));
        RerankReply error = RerankReply.error(RerankErrorCode.OVERLOADED, "full");
        assertThat(RerankCodec.decodeReply(RerankCodec.encode(error))).isEqualTo(error);
        assertThat(new String(RerankCodec.encode(error), StandardCharsets.UTF_8))
                .contains("\"code\":\"OVERLOADED\"");
    }

    @Test
    void garbage_isRejectedAsIllegalArgument() {
        assertThatThrownBy(() -> RerankCodec.decodeRequest("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RerankCodec.decodeRequest(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replyTopicNames_perClient() {
        RerankTopics topics = new RerankTopics("kembed");
        assertThat(topics.requests()).isEqualTo("kembed.rerank.requests");
        assertThat(topics.replies("search-1")).isEqualTo("kembed.rerank.replies.search-1");
        assertThatThrownBy(() -> topics.replies("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.kembed.core.requestreply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    @Test
    void reply_completesTheRegisteredFuture_andRemovesIt() throws Exception {
        CompletableFuture<byte[]> f = pending.register("a");
        assertThat(pending.complete("a", new byte[] {1})).isTrue();
        assertThat(f.get()).containsExactly(1);
        assertThat(pending.size()).isZero();
        assertThat(pending.counters()).isEqualTo(new ReplyingClient.Counters(1, 1, 0, 0, 0, 0));
    }

    @Test
    void replyAfterTimeout_isCountedLate_andDoesNotChangeTheOutcome() {
        CompletableFuture<byte[]> f = pending.register("a");
        assertThat(pending.timeOut("a", new RequestTimeoutException("a", Duration.ofMillis(5)))).isTrue();
        assertThat(pending.complete("a", new byte[] {1})).isFalse();
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RequestTimeoutException.class);
        ReplyingClient.Counters c = pending.counters();
        assertThat(c.timedOut()).isEqualTo(1);
        assertThat(c.late()).isEqualTo(1);
        assertThat(c.replied()).isZero();
    }

    @Test
    void replyWithUnknownOrMissingCorrelationId_isCountedLate() {
        assertThat(pending.complete("nobody", null)).isFalse();
        assertThat(pending.complete(null, null)).isFalse();
        assertThat(pending.counters().late()).isEqualTo(2);
    }

    @Test
    void failedSend_removesThePendingFuture_soTheTimeoutFindsNothing() {
        CompletableFuture<byte[]> f = pending.register("a");
        assertThat(pending.sendFailed("a", new IllegalStateException("broker down"))).isTrue();
        assertThat(pending.timeOut("a", new RequestTimeoutException("a", Duration.ofMillis(5)))).isFalse();
        assertThat(pending.size()).isZero();
        assertThat(f).isCompletedExceptionally();
        assertThat(pending.counters().sendFailed()).isEqualTo(1);
        assertThat(pending.counters().timedOut()).isZero();
    }

    @Test
    void duplicateCorrelationId_isRefused() {
        pending.register("a");
        assertThatThrownBy(() -> pending.register("a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failAll_failsEveryPendingFuture() {
        CompletableFuture<byte[]> a = pending.register("a");
        CompletableFuture<byte[]> b = pending.register("b");
        pending.failAll(new IllegalStateException("closed"));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(pending.size()).isZero();
    }
}

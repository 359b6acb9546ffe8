package io.kembed.core.requestreply;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requester's pending futures by correlation id, and the counters of how each ended. Whoever removes an entry
 * first (reply, timeout, send failure, close) decides the outcome; the others see it gone. Thread-safe.
 */
final class PendingRequests {

    private final ConcurrentMap<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong replied = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong sendFailed = new AtomicLong();

    /** Registers a new future before the request is sent. @throws IllegalStateException on a duplicate id */
    CompletableFuture<byte[]> register(String correlationId) {
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        if (pending.putIfAbsent(correlationId, future) != null) {
            throw new IllegalStateException("duplicate correlation id " + correlationId);
        }
        sent.incrementAndGet();
        return future;
    }

    /** Completes the request with its reply; false (and counted as late) when it is unknown or already ended. */
    boolean complete(String correlationId, byte[] payload) {
        CompletableFuture<byte[]> future = correlationId == null ? null : pending.remove(correlationId);
        if (future == null) {
            late.incrementAndGet();
            return false;
        }
        replied.incrementAndGet();
        future.complete(payload);
        return true;
    }

    /** Fails the request with {@code failure} if it is still pending (timeout). */
    boolean timeOut(String correlationId, RuntimeException failure) {
        CompletableFuture<byte[]> future = pending.remove(correlationId);
        if (future == null) {
            return false;
        }
        timedOut.incrementAndGet();
        future.completeExceptionally(failure);
        return true;
    }

    /** Removes and fails the request whose send failed. */
    boolean sendFailed(String correlationId, Throwable failure) {
        CompletableFuture<byte[]> future = pending.remove(correlationId);
        if (future == null) {
            return false;
        }
        sendFailed.incrementAndGet();
        future.completeExceptionally(failure);
        return true;
    }

    /** Fails every pending request (on close). */
    void failAll(RuntimeException failure) {
        for (String id : pending.keySet()) {
            CompletableFuture<byte[]> future = pending.remove(id);
            if (future != null) {
                future.completeExceptionally(failure);
            }
        }
    }

    int size() {
        return pending.size();
    }

    ReplyingClient.Counters counters() {
        return new ReplyingClient.Counters(sent.get(), replied.get(), timedOut.get(), late.get(), sendFailed.get(),
                pending.size());
    }
}

package io.kembed.sink.qdrant;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the fake does to a call before serving it: checks the {@code api-key} header when a key is required, then
 * fails or delays the call if a test asked for it. Thread-safe.
 */
final class FakeFaults implements ServerInterceptor {

    /** The header Qdrant reads the API key from. */
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

    private volatile String requiredApiKey;
    private final java.util.List<String> apiKeysSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger tlsCalls = new java.util.concurrent.atomic.AtomicInteger();
    private final Deque<Object> planned = new ArrayDeque<>(); // Status (fail) or Duration (delay), in call order

    void requireApiKey(String key) {
        requiredApiKey = key;
    }

    /** The {@code api-key} header of every call so far, in order ({@code "null"} where there was none). */
    java.util.List<String> apiKeysSeen() {
        return java.util.List.copyOf(apiKeysSeen);
    }

    /** Calls that came over TLS. */
    int tlsCalls() {
        return tlsCalls.get();
    }

    synchronized void plan(int calls, Object fault) {
        for (int i = 0; i < calls; i++) {
            planned.add(fault);
        }
    }

    private synchronized Object next() {
        return planned.poll();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        apiKeysSeen.add(String.valueOf(headers.get(API_KEY))); // "null" for a call without the header
        if (call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_SSL_SESSION) != null) {
            tlsCalls.incrementAndGet();
        }
        String key = requiredApiKey;
        if (key != null && !key.equals(headers.get(API_KEY))) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("Invalid api-key"));
        }
        Object fault = next();
        if (fault instanceof Status status) {
            return refuse(call, status);
        }
        if (fault instanceof Duration delay) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return refuse(call, Status.CANCELLED.withDescription("fake server interrupted"));
            }
        }
        return next.startCall(call, headers);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}

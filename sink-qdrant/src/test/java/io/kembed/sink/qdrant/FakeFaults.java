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
    private final Deque<Object> planned = new ArrayDeque<>(); // Status (fail) or Duration (delay), in call order

    void requireApiKey(String key) {
        requiredApiKey = key;
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

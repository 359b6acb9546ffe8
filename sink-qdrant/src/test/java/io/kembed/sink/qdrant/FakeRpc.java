package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs one unary call of the fake: a {@link StatusRuntimeException} becomes the call's status. */
final class FakeRpc {

    private FakeRpc() {
    }

    static <T> void unary(StreamObserver<T> response, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (RuntimeException e) { // a bug in the fake: make it loud, not a hang
            response.onError(Status.INTERNAL.withDescription("FakeQdrantServer failed: " + e).withCause(e)
                    .asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /** Qdrant's reply time field, in seconds: the fake reports a token 1 µs. */
    static final double TIME = 1e-6;
}

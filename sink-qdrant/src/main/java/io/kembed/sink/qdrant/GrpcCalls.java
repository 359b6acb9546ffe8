package io.kembed.sink.qdrant;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.kembed.core.store.VectorStoreException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a Qdrant call and sorts its failure into the retriable and the fatal case:
 * <ul>
 *   <li>{@link VectorStoreException} (retriable): {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED},
 *       {@code RESOURCE_EXHAUSTED} (Qdrant's rate limit), {@code ABORTED}, {@code CANCELLED}, {@code INTERNAL}
 *       (Qdrant's service errors: I/O, out of memory), {@code UNKNOWN} (mostly a broken connection); a local
 *       timeout; an interrupt (the thread's interrupt flag is restored).</li>
 *   <li>{@link IllegalArgumentException} (the request can never succeed): {@code INVALID_ARGUMENT},
 *       {@code OUT_OF_RANGE}.</li>
 *   <li>{@link IllegalStateException} (fix the setup, then restart): every other code, such as
 *       {@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}, {@code NOT_FOUND} (collection deleted under us),
 *       {@code FAILED_PRECONDITION}, {@code UNIMPLEMENTED}.</li>
 * </ul>
 */
final class GrpcCalls {

    /**
     * Extra wait past the gRPC deadline, so the server's {@code DEADLINE_EXCEEDED} (which names the call) normally
     * arrives before the local timeout fires.
     */
    private static final long GRACE_MS = 1_000;

    private GrpcCalls() {
    }

    /**
     * Waits for {@code future}, which was started with deadline {@code timeout}.
     *
     * @param what the operation, for messages: {@code "upsert into 'docs'"}
     */
    static <T> T await(ListenableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis() + GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new VectorStoreException("Qdrant " + what + " was interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new VectorStoreException("Qdrant " + what + " timed out after " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw translate(what, e.getCause());
        }
    }

    /** Maps a failed call's cause to the exception its caller sees (see the class comment). */
    static RuntimeException translate(String what, Throwable cause) {
        if (!(cause instanceof StatusRuntimeException) && !(cause instanceof StatusException)) {
            return cause instanceof RuntimeException re ? re
                    : new VectorStoreException("Qdrant " + what + " failed: " + cause, cause);
        }
        Status status = Status.fromThrowable(cause);
        String message = "Qdrant " + what + " failed: " + status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription());
        if (isRetriable(status.getCode())) {
            return new VectorStoreException(message, cause);
        }
        if (status.getCode() == Status.Code.INVALID_ARGUMENT || status.getCode() == Status.Code.OUT_OF_RANGE) {
            return new IllegalArgumentException(message, cause);
        }
        return new IllegalStateException(message, cause);
    }

    /** @return whether a call that failed with {@code code} may succeed when retried later */
    static boolean isRetriable(Status.Code code) {
        switch (code) {
            case UNAVAILABLE:
            case DEADLINE_EXCEEDED:
            case RESOURCE_EXHAUSTED:
            case ABORTED:
            case CANCELLED:
            case INTERNAL:
            case UNKNOWN:
                return true;
            default:
                return false;
        }
    }
}

package io.kembed.core.ops;

import java.util.Objects;

/**
 * One check behind {@code /ready}, {@code /live} and {@code /health} of an {@link OpsServer}: "is the model
 * loaded", "are partitions assigned", "is the store reachable", "is the poll thread alive". Each worker type
 * supplies its own. A check runs on the server's request thread each time an endpoint is asked, so it should
 * answer within a probe's timeout (a Kubernetes probe waits 1 s by default); an exception counts as down.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * @return whether the checked thing is up, with a one-line detail for humans
     * @throws Exception any failure, reported as down with its message
     */
    Result check() throws Exception;

    /**
     * @param up true if healthy
     * @param detail one line for humans, for example {@code "4 partitions assigned"}; never a secret
     */
    record Result(boolean up, String detail) {

        public Result {
            Objects.requireNonNull(detail, "detail");
        }

        public static Result up(String detail) {
            return new Result(true, detail);
        }

        public static Result down(String detail) {
            return new Result(false, detail);
        }

        /** Up if {@code condition}, with the same detail either way. */
        public static Result of(boolean condition, String detail) {
            return new Result(condition, detail);
        }
    }
}

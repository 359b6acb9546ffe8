package io.kembed.rerank.plan;

/**
 * Measured cost of inference in nanoseconds per padded token, as an exponentially weighted moving average over
 * batches: {@code estimate = alpha * observed + (1 - alpha) * estimate}. Starts from a configured guess until the
 * first batch is measured. Thread-safe.
 */
public final class CostEstimate {

    private final double alpha;
    private double nanosPerToken;
    private long observations;

    /**
     * @param initialNanosPerToken the guess used before any measurement, {@code > 0}
     * @param alpha weight of each new observation, in (0, 1]
     */
    public CostEstimate(double initialNanosPerToken, double alpha) {
        if (!(initialNanosPerToken > 0)) {
            throw new IllegalArgumentException("initialNanosPerToken must be > 0, got " + initialNanosPerToken);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.alpha = alpha;
        this.nanosPerToken = initialNanosPerToken;
    }

    /** @return current estimate, ns per padded token */
    public synchronized double nanosPerToken() {
        return nanosPerToken;
    }

    /** @return batches measured so far */
    public synchronized long observations() {
        return observations;
    }

    /**
     * Folds in one measured batch; ignored if {@code paddedTokens <= 0}.
     *
     * @param paddedTokens {@code batch size * padded length}
     * @param nanos wall time of the inference call
     */
    public synchronized void observe(long paddedTokens, long nanos) {
        if (paddedTokens <= 0 || nanos < 0) {
            return;
        }
        double observed = (double) nanos / paddedTokens;
        nanosPerToken = alpha * observed + (1 - alpha) * nanosPerToken;
        observations++;
    }
}

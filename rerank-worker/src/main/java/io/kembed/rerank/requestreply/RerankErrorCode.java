package io.kembed.rerank.requestreply;

/** Typed errors in a {@link RerankReply}. */
public enum RerankErrorCode {
    /** The request breaks a limit or cannot be decoded; retrying the same request fails again. */
    INVALID_REQUEST,
    /** The worker's batch budget was full; retry later or elsewhere (transient). */
    OVERLOADED,
    /** The reranker failed; transient or not, the caller should fall back to vector order. */
    MODEL_UNAVAILABLE
}

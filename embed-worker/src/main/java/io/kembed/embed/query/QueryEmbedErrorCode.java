package io.kembed.embed.query;

/** Typed errors in a {@link QueryEmbedReply}. */
public enum QueryEmbedErrorCode {
    /** The request cannot be decoded or breaks a {@link QueryEmbedRequest} limit; the same request fails again. */
    INVALID_REQUEST,
    /** The server's per-poll budget was full; retry (transient). */
    OVERLOADED,
    /**
     * The model asked for is not the one this deployment serves, or inference failed; fall back (for example to
     * keyword search) rather than retry at once.
     */
    MODEL_UNAVAILABLE
}

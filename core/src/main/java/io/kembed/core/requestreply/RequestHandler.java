package io.kembed.core.requestreply;

import java.util.List;

/** Answers requests for a {@link RequestServer}; called from the server's one poll thread. */
public interface RequestHandler {

    /**
     * Answers the unexpired requests that arrived together (one poll), so they can share one inference batch.
     *
     * @param requests at least one request, in arrival order
     * @return one reply per request that should be answered (build them with {@link Request#reply(byte[])})
     */
    List<Reply> handle(List<Request> requests);

    /**
     * The payload of the typed error reply sent to each request of a batch whose {@link #handle} threw.
     *
     * @param failure what {@link #handle} threw
     */
    byte[] failurePayload(Request request, RuntimeException failure);
}

package io.kembed.embed.query;

import java.nio.charset.StandardCharsets;

/**
 * A query-embedding request as JSON: {@code {"text": "offshore wind energy", "model": "bge-small-en-v1.5-q"}}.
 * {@code model} is optional; when given it must be the model the servers run. Limits are enforced by the server
 * ({@link #validate()}); a request that breaks one gets {@link QueryEmbedErrorCode#INVALID_REQUEST}.
 *
 * @param text the query, non-blank, at most {@link #MAX_TEXT_CHARS} chars and {@link #MAX_TEXT_BYTES} UTF-8 bytes;
 *     longer than the model's max tokens (with the query prefix) is truncated, and the reply says so
 * @param model expected model id, or null for whatever the servers run
 */
public record QueryEmbedRequest(String text, String model) {

    /**
     * Most chars of query text: 4 × 512, about four chars per English token times bge/e5's 512-token limit, so a
     * valid query is at most a little truncated; longer text is not a query but a passage.
     */
    public static final int MAX_TEXT_CHARS = 2_048;
    /**
     * Most UTF-8 bytes of query text: twice {@link #MAX_TEXT_CHARS}, so ASCII and Latin text is bound by chars and
     * CJK text (3 bytes and about one token per char) stops at 1,365 chars, still far over 512 tokens.
     */
    public static final int MAX_TEXT_BYTES = 2 * MAX_TEXT_CHARS;
    /** Most bytes of a whole request record value (text, model id and JSON syntax, escapes included). */
    public static final int MAX_REQUEST_BYTES = 6 * MAX_TEXT_CHARS + 1_024;

    /** Why this request cannot be served, or null when it is valid. */
    public String validate() {
        if (text == null || text.isBlank()) {
            return "text must not be empty";
        }
        if (text.length() > MAX_TEXT_CHARS) {
            return "text has " + text.length() + " chars, the limit is " + MAX_TEXT_CHARS;
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TEXT_BYTES) {
            return "text has " + bytes + " UTF-8 bytes, the limit is " + MAX_TEXT_BYTES;
        }
        if (model != null && model.isBlank()) {
            return "model must be omitted or a model id";
        }
        return null;
    }
}

package io.kembed.embed.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.core.event.ChangeEventCodec;
import java.io.IOException;

/** JSON for {@link QueryEmbedRequest} and {@link QueryEmbedReply}, with the shared mapper. */
final class QueryEmbedCodec {

    private static final ObjectMapper MAPPER = ChangeEventCodec.mapper();

    private QueryEmbedCodec() {
    }

    static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are missing, too long or not a request */
    static QueryEmbedRequest decodeRequest(byte[] bytes) {
        if (bytes != null && bytes.length > QueryEmbedRequest.MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("request has " + bytes.length + " bytes, the limit is "
                    + QueryEmbedRequest.MAX_REQUEST_BYTES);
        }
        return decode(bytes, QueryEmbedRequest.class);
    }

    /** @throws IllegalArgumentException if the bytes are not a reply */
    static QueryEmbedReply decodeReply(byte[] bytes) {
        return decode(bytes, QueryEmbedReply.class);
    }

    private static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty " + type.getSimpleName());
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new IllegalArgumentException("not a " + type.getSimpleName() + ": null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}

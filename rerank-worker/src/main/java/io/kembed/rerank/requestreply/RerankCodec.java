package io.kembed.rerank.requestreply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kembed.core.event.ChangeEventCodec;
import java.io.IOException;

/** JSON for {@link RerankRequest} and {@link RerankReply}, with the shared mapper. */
final class RerankCodec {

    private static final ObjectMapper MAPPER = ChangeEventCodec.mapper();

    private RerankCodec() {
    }

    static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a request */
    static RerankRequest decodeRequest(byte[] bytes) {
        return decode(bytes, RerankRequest.class);
    }

    /** @throws IllegalArgumentException if the bytes are not a reply */
    static RerankReply decodeReply(byte[] bytes) {
        return decode(bytes, RerankReply.class);
    }

    private static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new IllegalArgumentException("empty " + type.getSimpleName());
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) { // the JSON literal null: without this check the caller's validate() would throw NPE
                throw new IllegalArgumentException("not a " + type.getSimpleName() + ": JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}

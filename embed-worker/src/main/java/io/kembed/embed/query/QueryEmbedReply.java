package io.kembed.embed.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.kembed.core.vector.FloatVectors;

/**
 * A query-embedding reply as JSON: either the embedding or an error.
 *
 * <pre>{@code
 * {"model":"bge-small-en-v1.5-q","dims":384,"vector":"<base64>","tokens":14,"truncated":false}
 * {"dims":0,"tokens":0,"truncated":false,"error":{"code":"INVALID_REQUEST","message":"text must not be empty"}}
 * }</pre>
 *
 * @param model id of the model that embedded the query; null on error
 * @param dims vector dimensions; 0 on error
 * @param vector {@code float[dims]}, L2-normalised; on the wire base64 of little-endian float32 (4 × dims bytes),
 *     the encoding of core's {@code ChunkVector}; null on error
 * @param tokens tokens fed to the model: query prefix, text and special tokens, after truncation
 * @param truncated whether the text (with the query prefix) exceeded the model's max tokens and its tail was
 *     dropped
 * @param error null on success
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryEmbedReply(String model, int dims,
        @JsonSerialize(using = FloatVectors.Base64Serializer.class)
        @JsonDeserialize(using = FloatVectors.Base64Deserializer.class) float[] vector,
        int tokens, boolean truncated, Error error) {

    public record Error(QueryEmbedErrorCode code, String message) {
    }

    public static QueryEmbedReply ok(String model, float[] vector, int tokens, boolean truncated) {
        return new QueryEmbedReply(model, vector.length, vector, tokens, truncated, null);
    }

    public static QueryEmbedReply error(QueryEmbedErrorCode code, String message) {
        return new QueryEmbedReply(null, 0, null, 0, false, new Error(code, message));
    }
}

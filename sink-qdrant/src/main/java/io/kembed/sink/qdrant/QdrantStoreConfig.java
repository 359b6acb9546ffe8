package io.kembed.sink.qdrant;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link QdrantVectorStore} talks to Qdrant. Immutable; validated on construction.
 *
 * <table>
 *   <caption>Keys, defaults and bounds</caption>
 *   <tr><th>key</th><th>default</th><th>bounds</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>{@value #DEFAULT_HOST}</td><td>not blank</td><td>Qdrant host name or address</td></tr>
 *   <tr><td>grpcPort</td><td>{@value #DEFAULT_GRPC_PORT}</td><td>1..65535</td><td>Qdrant's gRPC port (REST is
 *       6333)</td></tr>
 *   <tr><td>useTls</td><td>false</td><td></td><td>TLS on the gRPC channel (Qdrant Cloud needs it)</td></tr>
 *   <tr><td>apiKey</td><td>none</td><td>null or not blank</td><td>sent as the {@code api-key} header; never
 *       logged, left out of {@link #toString()}</td></tr>
 *   <tr><td>collection</td><td>(required)</td><td>not blank</td><td>collection, or alias of one, to use</td></tr>
 *   <tr><td>dims</td><td>(required)</td><td>1..{@value #MAX_DIMS}</td><td>vector dimensions</td></tr>
 *   <tr><td>timeout</td><td>10 s</td><td>positive</td><td>deadline of each gRPC call</td></tr>
 * </table>
 *
 * @param host Qdrant host; null means {@value #DEFAULT_HOST}
 * @param grpcPort gRPC port
 * @param useTls whether to use TLS
 * @param apiKey API key, or null for none (an empty string also means none)
 * @param collection collection name
 * @param dims vector dimensions, {@code float[dims]}
 * @param timeout per-call deadline; null means {@link #DEFAULT_TIMEOUT}
 */
public record QdrantStoreConfig(String host, int grpcPort, boolean useTls, String apiKey, String collection,
        int dims, Duration timeout) {

    public static final String DEFAULT_HOST = "localhost";

    /** Qdrant's default gRPC port (its REST API listens on 6333). */
    public static final int DEFAULT_GRPC_PORT = 6334;

    /** Per-call deadline: generous for a 256-point upsert with {@code wait=true} on a laptop. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Largest dense vector Qdrant accepts (its collection-config validation: 65,536). */
    public static final int MAX_DIMS = 65_536;

    public QdrantStoreConfig {
        host = host == null ? DEFAULT_HOST : host.strip();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (grpcPort < 1 || grpcPort > 65_535) {
            throw new IllegalArgumentException("grpcPort must be in [1, 65535], got " + grpcPort);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        Objects.requireNonNull(collection, "collection");
        if (collection.isBlank()) {
            throw new IllegalArgumentException("collection must not be blank");
        }
        if (dims < 1 || dims > MAX_DIMS) {
            throw new IllegalArgumentException("dims must be in [1, " + MAX_DIMS + "], got " + dims);
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** A plaintext connection to {@code localhost:6334} without API key, with the default timeout. */
    public static QdrantStoreConfig local(String collection, int dims) {
        return new QdrantStoreConfig(DEFAULT_HOST, DEFAULT_GRPC_PORT, false, null, collection, dims, DEFAULT_TIMEOUT);
    }

    /** This config with another endpoint. */
    public QdrantStoreConfig withEndpoint(String newHost, int newGrpcPort, boolean newUseTls) {
        return new QdrantStoreConfig(newHost, newGrpcPort, newUseTls, apiKey, collection, dims, timeout);
    }

    /** This config with another API key (null for none). */
    public QdrantStoreConfig withApiKey(String newApiKey) {
        return new QdrantStoreConfig(host, grpcPort, useTls, newApiKey, collection, dims, timeout);
    }

    /** This config with another per-call timeout. */
    public QdrantStoreConfig withTimeout(Duration newTimeout) {
        return new QdrantStoreConfig(host, grpcPort, useTls, apiKey, collection, dims, newTimeout);
    }

    /** Leaves the API key out: only says whether one is set. */
    @Override
    public String toString() {
        return "QdrantStoreConfig[host=" + host + ", grpcPort=" + grpcPort + ", useTls=" + useTls + ", apiKey="
                + (apiKey == null ? "none" : "(set)") + ", collection=" + collection + ", dims=" + dims
                + ", timeout=" + timeout + "]";
    }
}

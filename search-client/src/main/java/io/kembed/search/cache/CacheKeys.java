package io.kembed.search.cache;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cache keys, as pure functions. Free-form parts (tenant, model, collection, reranker) are percent-encoded so that
 * {@code :} only ever separates parts; the query text appears only as its SHA-256, so keys have a bounded length
 * and no query text lands in Redis key space.
 */
public final class CacheKeys {

    private CacheKeys() {
    }

    /** @return lower-case hex SHA-256 of the exact query text (UTF-8; no trimming or case folding) */
    public static String queryHash(String query) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(query.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** {@code qe:<model>:<sha256>}: a query vector depends on the model and the exact text only. */
    public static String queryEmbedding(String modelId, String queryHash) {
        return "qe:" + enc(modelId) + ":" + queryHash;
    }

    /**
     * {@code res:<tenant>:g<generation>:<collection>:<model>:<rerank mode>:c<candidates>:k<k>:<sha256>}.
     *
     * @param rerankMode {@code none}, or the id of the reranker asked
     * @param candidates how many vector hits were reranked (it changes the answer)
     */
    public static String result(String tenant, long generation, String collection, String modelId, String rerankMode,
            int candidates, int k, String queryHash) {
        return "res:" + enc(tenant) + ":g" + generation + ":" + enc(collection) + ":" + enc(modelId) + ":"
                + enc(rerankMode) + ":c" + candidates + ":k" + k + ":" + queryHash;
    }

    /** {@code gen:<tenant>}: the tenant's generation counter. */
    public static String generation(String tenant) {
        return "gen:" + enc(tenant);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package io.kembed.core.store;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import java.util.Optional;

/**
 * Collection naming: each model's vectors live in their own collection {@code <alias>__<model id>} (characters
 * other than {@code [a-zA-Z0-9_-]} in the model id replaced by {@code _}), behind the alias {@code <alias>}.
 * The default alias is {@value #DEFAULT_ALIAS}, so the default model's collection is
 * {@code kembed__bge-small-en-v1_5-q}.
 */
public final class CollectionNames {

    /** The alias searches go through unless told otherwise. */
    public static final String DEFAULT_ALIAS = "kembed";

    private static final String SEPARATOR = "__";

    private CollectionNames() {
    }

    /** {@code <alias>__<model id>}, the model id's characters outside {@code [a-zA-Z0-9_-]} as {@code _}. */
    public static String of(String alias, String modelId) {
        CollectionAliases.checkName("alias", alias);
        return alias + SEPARATOR + modelId.replaceAll("[^a-zA-Z0-9_-]", "_");
    }

    /**
     * The registry model whose collection under {@code alias} is {@code collection}.
     *
     * @return the model, or empty when {@code collection} is not {@code <alias>__<registry model>}
     */
    public static Optional<ModelSpec> model(String alias, String collection) {
        return ModelRegistry.all().stream().filter(m -> of(alias, m.id()).equals(collection)).findFirst();
    }

    /**
     * The registry model of a {@code <alias>__<model>} collection under any alias, a tenant's included.
     *
     * @return the model, or empty when {@code collection} is not named so
     */
    public static Optional<ModelSpec> modelOf(String collection) {
        return alias(collection).filter(a -> a.matches("[a-zA-Z0-9._-]+")).flatMap(a -> model(a, collection));
    }

    /**
     * The alias of {@code collection} when it is {@code <alias>__<registry model>}, or empty (a collection named
     * some other way has no alias).
     */
    public static Optional<String> aliasOfModelCollection(String collection) {
        return alias(collection).filter(a -> a.matches("[a-zA-Z0-9._-]+") && model(a, collection).isPresent());
    }

    /**
     * The alias of one tenant under {@code alias}, which a tenant re-embed ({@code kembed reembed start --tenant})
     * points at the tenant's own collection: {@code <alias>.t-<tenant>} when the tenant id is
     * {@code [a-zA-Z0-9_-]{1,64}}, else {@code <alias>.h-<first 16 hex digits of SHA-256(tenant id, UTF-8)>}. The
     * two forms cannot collide with each other (different prefixes), and a tenant id with dots, slashes or other
     * characters never reaches a collection name. Searches of the tenant resolve it before
     * {@code alias} ({@code AliasSearch}).
     *
     * @throws IllegalArgumentException if {@code alias} is not a valid alias name or {@code tenant} is empty
     */
    public static String tenantAlias(String alias, String tenant) {
        CollectionAliases.checkName("alias", alias);
        if (tenant == null || tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant id must not be empty");
        }
        if (tenant.matches("[a-zA-Z0-9_-]{1,64}")) {
            return alias + ".t-" + tenant;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return alias + ".h-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The alias part of {@code <alias>__<model>}, or empty if {@code collection} has no {@code __}. */
    public static Optional<String> alias(String collection) {
        int i = collection.lastIndexOf(SEPARATOR);
        return i <= 0 ? Optional.empty() : Optional.of(collection.substring(0, i));
    }
}

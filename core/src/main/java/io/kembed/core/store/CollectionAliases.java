package io.kembed.core.store;

import java.util.Map;
import java.util.Optional;

/**
 * Names that point at one collection each, and that searches go through: an alias {@code kembed} pointing at
 * {@code kembed__bge-small-en-v1_5-q} today can point at {@code kembed__e5-small-v2-q} tomorrow, in one atomic
 * step ({@link #swap}). Implementations: Qdrant's native aliases ({@code QdrantAliases}) and an alias file per alias
 * next to the Lucene collections ({@code LuceneAliases}).
 *
 * <p>Contract: {@link #resolve} after {@link #swap} returned sees the new collection; a reader racing with a swap
 * sees the old collection or the new one, never none and never a mix. Alias names are {@code [a-zA-Z0-9._-]+}.
 * Implementations are thread-safe.
 */
public interface CollectionAliases extends AutoCloseable {

    /**
     * The collection {@code alias} points at.
     *
     * @return the collection name, or empty if the alias does not exist
     * @throws VectorStoreException if the backend fails (retriable)
     */
    Optional<String> resolve(String alias);

    /**
     * The collection of the first of {@code aliases} that exists, as one reading where the backend allows (a tenant's
     * alias, then the shared one: {@code AliasSearch}).
     *
     * @return the first existing alias and its collection, or empty if none exists
     * @throws VectorStoreException if the backend fails (retriable)
     */
    default Optional<Map.Entry<String, String>> resolveFirst(java.util.List<String> aliases) {
        for (String alias : aliases) {
            Optional<String> c = resolve(alias);
            if (c.isPresent()) {
                return Optional.of(Map.entry(alias, c.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Points {@code alias} at {@code collection}, creating the alias if needed, atomically: no reader ever finds
     * the alias missing during the swap.
     *
     * @throws IllegalArgumentException if a name is not {@code [a-zA-Z0-9._-]+}
     * @throws VectorStoreException if the backend fails (retriable; the alias then points where it did)
     */
    void swap(String alias, String collection);

    /**
     * Points {@code alias} at {@code collection} if the alias does not exist yet (a first import); an existing
     * alias is left where it points (after a re-embed, at another model's collection).
     *
     * @return true if the alias was created
     * @throws VectorStoreException if the backend fails (retriable)
     */
    default boolean createIfMissing(String alias, String collection) {
        if (resolve(alias).isPresent()) {
            return false;
        }
        swap(alias, collection);
        return true;
    }

    /**
     * Removes {@code alias} (the collection stays); a missing alias is a no-op.
     *
     * @throws VectorStoreException if the backend fails (retriable)
     */
    void delete(String alias);

    /**
     * Every alias and its collection.
     *
     * @throws VectorStoreException if the backend fails (retriable)
     */
    Map<String, String> list();

    /**
     * Drops {@code collection} and its vectors; a missing collection is a no-op. No store may have it open.
     *
     * @throws IllegalStateException if an alias still points at it
     * @throws VectorStoreException if the backend fails (retriable)
     */
    void dropCollection(String collection);

    @Override
    default void close() {
    }

    /**
     * @throws IllegalArgumentException if {@code name} is null, empty or not {@code [a-zA-Z0-9._-]+}
     */
    static String checkName(String kind, String name) {
        if (name == null || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException(kind + " name '" + name + "' must be [a-zA-Z0-9._-]+");
        }
        return name;
    }
}

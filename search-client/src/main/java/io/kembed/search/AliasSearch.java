package io.kembed.search;

import io.kembed.core.store.CollectionAliases;
import io.kembed.core.store.CollectionNames;
import io.kembed.core.store.VectorStoreException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Searches through a collection alias: each search resolves the alias once, then runs entirely on the
 * {@link SearchClient} of the collection it named, whose query embedder is that collection's model. So a search
 * that starts while the alias is swapped ({@code kembed reembed cutover}) is answered wholly by the old collection
 * and model or wholly by the new ones, never a query vector of one model against vectors of the other; and the
 * caches, keyed by collection and model ({@code CacheKeys}), never hand one model's entries to the other.
 *
 * <p>A tenant moved to another model on its own ({@code kembed reembed start --tenant T}) has its own alias,
 * {@link CollectionNames#tenantAlias}: a search of that tenant resolves it first and falls back to the shared alias
 * when it does not exist, in one reading ({@link CollectionAliases#resolveFirst}).
 *
 * <p>The per-collection clients are made on first use by the caller's {@code clientFor} (which knows how to open
 * the collection's store and its model's embedder) and closed with this object. Thread-safe.
 */
public final class AliasSearch implements AutoCloseable {

    private final CollectionAliases aliases;
    private final String alias;
    private final Function<String, SearchClient> clientFor;
    private final Map<String, SearchClient> clients = new ConcurrentHashMap<>();

    /**
     * @param aliases where the alias is resolved, on every search
     * @param alias the alias searched, for example {@code kembed}
     * @param clientFor the search client of a collection (called once per collection; its result is closed by
     *     {@link #close()})
     */
    public AliasSearch(CollectionAliases aliases, String alias, Function<String, SearchClient> clientFor) {
        this.aliases = Objects.requireNonNull(aliases, "aliases");
        this.alias = CollectionAliases.checkName("alias", alias);
        this.clientFor = Objects.requireNonNull(clientFor, "clientFor");
    }

    /**
     * Searches the collection the alias names now, as {@link SearchClient#search}.
     *
     * @return the result; {@link SearchResult#collection()} and {@link SearchResult#modelId()} say which collection
     *     and model answered
     * @throws IllegalStateException if the alias does not exist
     * @throws VectorStoreException if the alias cannot be read or the store fails
     */
    public SearchResult search(String tenant, String query, int k) {
        return clientFor(tenant).search(tenant, query, k);
    }

    /** The client of the collection the shared alias names now (made on first use). */
    public SearchClient clientForCurrent() {
        String collection = aliases.resolve(alias).orElseThrow(() -> new IllegalStateException("alias '" + alias
                + "' does not exist: point it at a collection first (kembed reembed cutover, or a first import)"));
        return clients.computeIfAbsent(collection, clientFor);
    }

    /**
     * The client of the collection that serves {@code tenant} now: its own alias's if it has one, else the shared
     * alias's (made on first use).
     *
     * @throws IllegalStateException if neither alias exists
     */
    public SearchClient clientFor(String tenant) {
        String collection = aliases.resolveFirst(List.of(CollectionNames.tenantAlias(alias, tenant), alias))
                .map(Map.Entry::getValue)
                .orElseThrow(() -> new IllegalStateException("alias '" + alias + "' does not exist: point it at a "
                        + "collection first (kembed reembed cutover, or a first import)"));
        return clients.computeIfAbsent(collection, clientFor);
    }

    public String alias() {
        return alias;
    }

    /** Closes every client made. */
    @Override
    public void close() {
        clients.values().forEach(SearchClient::close);
        clients.clear();
    }
}

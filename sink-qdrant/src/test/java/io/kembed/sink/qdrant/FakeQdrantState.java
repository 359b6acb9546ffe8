package io.kembed.sink.qdrant;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.Distance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fake's table of contents: collections by name and aliases (alias name to collection name), with Qdrant's
 * rules: an alias may stand for its collection in every point operation; alias and collection names never clash;
 * deleting a collection drops its aliases; alias changes in one request apply all or none. Thread-safe.
 */
final class FakeQdrantState {

    /** Characters Qdrant refuses in a collection name (its {@code validate_collection_name}). */
    private static final String FORBIDDEN_NAME_CHARS = "<>:\"/\\|?*\0";

    private final Map<String, FakeCollection> collections = new TreeMap<>();
    private final Map<String, String> aliases = new TreeMap<>();

    /**
     * @return the collection {@code name} names, directly or through an alias
     * @throws io.grpc.StatusRuntimeException NOT_FOUND if there is none
     */
    synchronized FakeCollection resolve(String name) {
        FakeCollection c = collections.get(aliases.getOrDefault(name, name));
        if (c == null) {
            throw Status.NOT_FOUND.withDescription("Not found: Collection `" + name + "` doesn't exist!")
                    .asRuntimeException();
        }
        return c;
    }

    synchronized boolean exists(String name) {
        return collections.containsKey(aliases.getOrDefault(name, name));
    }

    synchronized void create(String name, int dims, Distance distance) {
        checkName(name);
        if (collections.containsKey(name)) {
            throw Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + name + "` already exists!")
                    .asRuntimeException();
        }
        if (aliases.containsKey(name)) {
            throw Status.ALREADY_EXISTS.withDescription("Wrong input: Alias with the same name `" + name
                    + "` already exists!").asRuntimeException();
        }
        collections.put(name, new FakeCollection(name, dims, distance));
    }

    /** @return whether the collection existed; aliases are not resolved, as in Qdrant */
    synchronized boolean delete(String name) {
        if (collections.remove(name) == null) {
            return false;
        }
        aliases.values().removeIf(name::equals);
        return true;
    }

    synchronized List<String> collectionNames() {
        return new ArrayList<>(collections.keySet());
    }

    /** Applies {@code actions} in order, all or none. */
    synchronized void updateAliases(List<AliasOperations> actions) {
        Map<String, String> next = new HashMap<>(aliases);
        for (AliasOperations a : actions) {
            switch (a.getActionCase()) {
                case CREATE_ALIAS: {
                    String collection = a.getCreateAlias().getCollectionName();
                    String alias = a.getCreateAlias().getAliasName();
                    checkName(alias);
                    if (!collections.containsKey(collection)) {
                        throw Status.NOT_FOUND.withDescription("Not found: Collection `" + collection
                                + "` doesn't exist!").asRuntimeException();
                    }
                    if (collections.containsKey(alias)) {
                        throw Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + alias
                                + "` already exists!").asRuntimeException();
                    }
                    next.put(alias, collection);
                    break;
                }
                case DELETE_ALIAS:
                    next.remove(a.getDeleteAlias().getAliasName()); // a missing alias is a no-op
                    break;
                case RENAME_ALIAS: {
                    String from = a.getRenameAlias().getOldAliasName();
                    String to = a.getRenameAlias().getNewAliasName();
                    checkName(to);
                    String collection = next.remove(from);
                    if (collection == null) {
                        throw Status.NOT_FOUND.withDescription("Not found: Alias " + from + " does not exist")
                                .asRuntimeException();
                    }
                    if (collections.containsKey(to)) {
                        throw Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + to
                                + "` already exists!").asRuntimeException();
                    }
                    next.put(to, collection);
                    break;
                }
                default:
                    throw Status.INVALID_ARGUMENT.withDescription("Wrong input: empty alias operation")
                            .asRuntimeException();
            }
        }
        aliases.clear();
        aliases.putAll(next);
    }

    /** @param collection only aliases of this collection, or all when null */
    synchronized List<AliasDescription> aliases(String collection) {
        if (collection != null && !collections.containsKey(collection)) {
            throw Status.NOT_FOUND.withDescription("Not found: Collection `" + collection + "` doesn't exist!")
                    .asRuntimeException();
        }
        List<AliasDescription> out = new ArrayList<>();
        aliases.forEach((alias, target) -> {
            if (collection == null || collection.equals(target)) {
                out.add(AliasDescription.newBuilder().setAliasName(alias).setCollectionName(target).build());
            }
        });
        return out;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > 255) {
            throw Status.INVALID_ARGUMENT.withDescription("Wrong input: name must be 1 to 255 characters")
                    .asRuntimeException();
        }
        for (char c : FORBIDDEN_NAME_CHARS.toCharArray()) {
            if (name.indexOf(c) >= 0) {
                throw Status.INVALID_ARGUMENT.withDescription("Wrong input: name cannot contain \"" + c
                        + "\" char").asRuntimeException();
            }
        }
    }
}

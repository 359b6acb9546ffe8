package io.kembed.core.event;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Identity of one entity: tenant, type and id. Its {@link #toKafkaKey() Kafka key} keeps every event of one
 * entity on one partition, so they stay ordered, and lets compaction keep only the latest event per entity.
 *
 * <p>The key is {@code tenant/type/id} with each part percent-encoded (UTF-8), so a tenant or id that itself
 * contains {@code /} or control characters still round-trips through {@link #parse(String)}.
 */
public record EntityKey(String tenantId, EntityType type, String id) {

    public EntityKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    public static EntityKey contact(String tenantId, String id) {
        return new EntityKey(tenantId, EntityType.CONTACT, id);
    }

    public static EntityKey document(String tenantId, String id) {
        return new EntityKey(tenantId, EntityType.DOCUMENT, id);
    }

    /** The Kafka record key: {@code enc(tenant) + "/" + type + "/" + enc(id)}. */
    public String toKafkaKey() {
        return encode(tenantId) + "/" + type.wire() + "/" + encode(id);
    }

    /**
     * Parses a key made by {@link #toKafkaKey()}.
     *
     * @throws IllegalArgumentException if {@code key} does not have three parts or names an unknown type
     */
    public static EntityKey parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("record key is missing");
        }
        String[] parts = key.split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("record key '" + key + "' is not tenant/type/id");
        }
        return new EntityKey(decode(parts[0]), EntityType.fromWire(parts[1]), decode(parts[2]));
    }

    /**
     * The tenant of a key made by {@link #toKafkaKey()}, read without parsing the rest (a tenant filter's test).
     *
     * @return the decoded tenant, or null if {@code key} is null or has no {@code /}
     */
    public static String tenantOfKafkaKey(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            return decode(key.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return null; // a malformed percent-escape: no tenant
        }
    }

    @Override
    public String toString() {
        return toKafkaKey();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

package io.kembed.producer.imports;

import io.kembed.core.event.EntityType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one JSONL row becomes one change event: which entity type, where the tenant, id and version come from, and
 * which source fields fill which event fields. Immutable; validated on construction. Built in code, taken from
 * {@link MappingPresets}, or loaded from a JSON file with {@link #load(Path)} (format in {@link FieldMappingJson}).
 *
 * <p>Targets for {@link EntityType#CONTACT contacts}: {@code name}, {@code company}, {@code title}, {@code notes}
 * (text), {@code tags}, {@code emails}, {@code phones} (lists) and {@code attributes.<key>} (not embedded). For
 * {@link EntityType#DOCUMENT documents}: {@code title}, {@code body}, {@code url}, {@code lang} (text) and
 * {@code metadata.<key>}. Every row becomes an {@code upsert}.
 *
 * @param type the entity type every row becomes
 * @param tenant where the tenant id comes from
 * @param idField the source field holding the entity id (a string or an integer, stripped of surrounding
 *     whitespace); a row without it is rejected
 * @param version where the version comes from
 * @param fields target field to its source; iteration order is kept
 */
public record FieldMapping(EntityType type, Tenant tenant, String idField, Version version,
        Map<String, Source> fields) {

    static final Set<String> CONTACT_TEXT = Set.of("name", "company", "title", "notes");
    static final Set<String> CONTACT_LISTS = Set.of("tags", "emails", "phones");
    static final Set<String> DOCUMENT_TEXT = Set.of("title", "body", "url", "lang");
    static final String CONTACT_MAP_PREFIX = "attributes.";
    static final String DOCUMENT_MAP_PREFIX = "metadata.";

    /**
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code idField} is blank, a target is unknown for {@code type}, or a
     *     {@link Source#split() split} is set on a target that is not a list
     */
    public FieldMapping {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tenant, "tenant");
        requireName(idField, "idField");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(fields, "fields");
        Map<String, Source> copy = new LinkedHashMap<>();
        fields.forEach((target, source) -> {
            Objects.requireNonNull(source, () -> "source of '" + target + "'");
            checkTarget(type, target, source);
            copy.put(target, source);
        });
        fields = Collections.unmodifiableMap(copy);
    }

    /**
     * Reads a mapping from a JSON file (format in {@link FieldMappingJson}).
     *
     * @throws IOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException if the JSON does not describe a valid mapping; the message names the field
     */
    public static FieldMapping load(Path file) throws IOException {
        return FieldMappingJson.read(file);
    }

    /** Whether {@code target} is a list target ({@code tags}, {@code emails}, {@code phones}) for {@code type}. */
    static boolean isList(EntityType type, String target) {
        return type == EntityType.CONTACT && CONTACT_LISTS.contains(target);
    }

    /** The map-target prefix for {@code type}: {@code attributes.} or {@code metadata.}. */
    static String mapPrefix(EntityType type) {
        return type == EntityType.CONTACT ? CONTACT_MAP_PREFIX : DOCUMENT_MAP_PREFIX;
    }

    private static void checkTarget(EntityType type, String target, Source source) {
        Objects.requireNonNull(target, "target");
        Set<String> text = type == EntityType.CONTACT ? CONTACT_TEXT : DOCUMENT_TEXT;
        String prefix = mapPrefix(type);
        boolean isMap = target.startsWith(prefix) && target.length() > prefix.length();
        if (!text.contains(target) && !isList(type, target) && !isMap) {
            List<String> known = new ArrayList<>(text);
            if (type == EntityType.CONTACT) {
                known.addAll(CONTACT_LISTS);
            }
            Collections.sort(known);
            throw new IllegalArgumentException("unknown target field '" + target + "' for " + type.wire()
                    + "; expected one of " + known + " or " + prefix + "<key>");
        }
        if (source.split() != null && !isList(type, target)) {
            throw new IllegalArgumentException("target '" + target + "' is not a list, so it cannot be split");
        }
    }

    static void requireName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    /**
     * Where the tenant id comes from: exactly one of a constant and a source field.
     *
     * @param constant the same tenant for every row, or null
     * @param field the source field naming each row's tenant, or null; a row without it is rejected
     */
    public record Tenant(String constant, String field) {

        public Tenant {
            if ((constant == null) == (field == null)) {
                throw new IllegalArgumentException("tenant needs exactly one of a constant and a field");
            }
            requireName(constant != null ? constant : field, constant != null ? "tenant" : "tenant field");
        }

        public static Tenant constant(String tenantId) {
            return new Tenant(tenantId, null);
        }

        public static Tenant field(String sourceField) {
            return new Tenant(null, sourceField);
        }
    }

    /**
     * Where the version comes from: a source field (an integer, or a string of digits), a default used when there
     * is no field or a row lacks it, or both.
     *
     * <p>The {@code now-millis} default is the import's start time in ms since the epoch, the same for every row of
     * one import: a later import of the same file supersedes an earlier one, and two rows with the same id in one
     * file get equal versions (the later row still wins, as compaction keeps the last record of a key).
     *
     * @param field the source field, or null
     * @param defaultVersion the default version (&gt;= 0), or empty
     * @param defaultNowMillis whether the default is the import's start time; excludes {@code defaultVersion}
     */
    public record Version(String field, OptionalLong defaultVersion, boolean defaultNowMillis) {

        public Version {
            Objects.requireNonNull(defaultVersion, "defaultVersion");
            if (field != null) {
                requireName(field, "version field");
            }
            if (defaultVersion.isPresent() && defaultNowMillis) {
                throw new IllegalArgumentException("version default is either a constant or now-millis, not both");
            }
            if (defaultVersion.isPresent() && defaultVersion.getAsLong() < 0) {
                throw new IllegalArgumentException("version constant must be >= 0, got "
                        + defaultVersion.getAsLong());
            }
            if (field == null && defaultVersion.isEmpty() && !defaultNowMillis) {
                throw new IllegalArgumentException("version needs a field, a constant or now-millis");
            }
        }

        /** From {@code field}; a row without it is rejected. */
        public static Version field(String field) {
            return new Version(field, OptionalLong.empty(), false);
        }

        public static Version constant(long version) {
            return new Version(null, OptionalLong.of(version), false);
        }

        /** The import's start time, in ms since the epoch. */
        public static Version nowMillis() {
            return new Version(null, OptionalLong.empty(), true);
        }

        /** This field, falling back to {@code version} for rows that lack it. */
        public Version orElse(long version) {
            return new Version(field, OptionalLong.of(version), false);
        }

        /** This field, falling back to the import's start time for rows that lack it. */
        public Version orElseNowMillis() {
            return new Version(field, OptionalLong.empty(), true);
        }
    }

    /**
     * The source of one target field.
     *
     * @param from source field names, at least one; absent or blank ones are skipped
     * @param join separator between the values of several sources (text targets), default one space
     * @param split for list targets: separator a source value is split on, or null to take it whole
     * @param keepWhole values that contain {@code split} yet are one item, for example
     *     {@code "Economy, finance and the euro"} when splitting on {@code ", "}
     */
    public record Source(List<String> from, String join, String split, List<String> keepWhole) {

        public static final String DEFAULT_JOIN = " ";

        public Source {
            Objects.requireNonNull(from, "from");
            if (from.isEmpty()) {
                throw new IllegalArgumentException("a target needs at least one source field");
            }
            from.forEach(f -> requireName(f, "source field"));
            from = List.copyOf(from);
            join = join == null ? DEFAULT_JOIN : join;
            if (split != null && split.isEmpty()) {
                throw new IllegalArgumentException("split separator must not be empty");
            }
            keepWhole = keepWhole == null ? List.of() : List.copyOf(keepWhole);
            if (!keepWhole.isEmpty() && split == null) {
                throw new IllegalArgumentException("keepWhole only applies with a split separator");
            }
        }

        /** One or more source fields, joined with a space. */
        public static Source of(String... from) {
            return new Source(List.of(from), null, null, null);
        }

        public Source joinedBy(String separator) {
            return new Source(from, Objects.requireNonNull(separator, "separator"), split, keepWhole);
        }

        /** Splits each value on {@code separator}, keeping each of {@code keepWhole} as one item. */
        public Source splitOn(String separator, String... keepWhole) {
            return new Source(from, join, Objects.requireNonNull(separator, "separator"), List.of(keepWhole));
        }

        /**
         * Splits {@code value} on {@link #split()}, stripping items and dropping empty ones; runs of items that
         * together spell a {@link #keepWhole()} value are rejoined into it.
         *
         * @return the items in order; {@code [value]} (stripped) if there is no separator
         */
        public List<String> splitValue(String value) {
            if (split == null) {
                String s = value.strip();
                return s.isEmpty() ? List.of() : List.of(s);
            }
            List<String> parts = List.of(value.split(Pattern.quote(split), -1));
            List<String> items = new ArrayList<>();
            int i = 0;
            while (i < parts.size()) {
                int taken = matchKeepWhole(parts, i);
                String item = taken > 0 ? String.join(split, parts.subList(i, i + taken)) : parts.get(i);
                i += Math.max(taken, 1);
                item = item.strip();
                if (!item.isEmpty()) {
                    items.add(item);
                }
            }
            return items;
        }

        /** @return how many parts from {@code start} spell one of {@link #keepWhole()}, or 0 */
        private int matchKeepWhole(List<String> parts, int start) {
            for (String whole : keepWhole) {
                String[] wholeParts = whole.split(Pattern.quote(split), -1);
                if (wholeParts.length > 1 && start + wholeParts.length <= parts.size()) {
                    boolean match = true;
                    for (int k = 0; k < wholeParts.length && match; k++) {
                        match = parts.get(start + k).strip().equals(wholeParts[k].strip());
                    }
                    if (match) {
                        return wholeParts.length;
                    }
                }
            }
            return 0;
        }
    }
}

package io.kembed.app.reembed;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kembed.core.event.ChangeEventCodec;
import io.kembed.core.store.CollectionNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The durable state of one alias's re-embed, the value of its record on {@code <prefix>.reembeds} (key: the alias).
 *
 * @param alias the alias searches go through, for example {@code kembed}
 * @param fromModel the model the alias pointed at when the re-embed started
 * @param toModel the model being re-embedded to
 * @param tenant the one tenant re-embedded, or null for all (see {@link Reembed} for what a tenant re-embed is)
 * @param startedAt when {@code reembed start} ran
 * @param phase where the re-embed is
 * @param changedAt when the phase last changed (a cutover's time is what {@code cleanup --grace} counts from)
 * @param startOffsets end offsets of the change topics' partitions when the re-embed started, as
 *     {@code "<topic>-<partition>"}: the replay is done once the new embed group has committed past them
 * @param fromCollectionName the collection the scope alias named at the start; null in records written before
 *     tenant re-embeds existed, which were all {@code <alias>__<fromModel>}
 */
public record ReembedState(String alias, String fromModel, String toModel, String tenant, Instant startedAt,
        Phase phase, Instant changedAt, Map<String, Long> startOffsets, String fromCollectionName) {

    /** The phases, in order; {@code ROLLED_BACK} can follow {@code CUT_OVER} and be followed by it again. */
    public enum Phase {
        /** The new model's embed group and sink replay the change topics into the new collection. */
        RUNNING,
        /** The alias points at the new model's collection; the old one is kept for a rollback. */
        CUT_OVER,
        /** The alias points at the old model's collection again. */
        ROLLED_BACK,
        /** The old model's collection, groups and vectors topic are gone: no rollback any more. */
        CLEANED_UP
    }

    public ReembedState {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(fromModel, "fromModel");
        Objects.requireNonNull(toModel, "toModel");
        Objects.requireNonNull(phase, "phase");
        startOffsets = startOffsets == null ? Map.of() : Map.copyOf(startOffsets);
    }

    /**
     * The alias this re-embed moves: {@code alias} for every tenant, or the tenant's own alias
     * ({@link CollectionNames#tenantAlias}). Also the key of the state record.
     */
    public String scopeAlias() {
        return tenant == null ? alias : CollectionNames.tenantAlias(alias, tenant);
    }

    /**
     * The collection the scope alias named at the start: {@code <alias>__<fromModel>}, which a tenant re-embed
     * shares with the other tenants, or the tenant's own collection from an earlier tenant re-embed.
     */
    public String fromCollection() {
        return fromCollectionName != null ? fromCollectionName : CollectionNames.of(alias, fromModel);
    }

    /** The new model's collection: {@code <alias>__<toModel>}, or {@code <tenant alias>__<toModel>}. */
    public String toCollection() {
        return CollectionNames.of(scopeAlias(), toModel);
    }

    /** Whether the old collection is the tenant's own, not shared with other tenants (so cleanup may drop it). */
    public boolean fromCollectionIsOwn() {
        return tenant == null || fromCollection().equals(CollectionNames.of(scopeAlias(), fromModel));
    }

    /**
     * Whether this re-embed still needs what a cleanup of {@code shared}'s old model would drop: its old collection
     * (the shared one, which a tenant not yet cleaned up can still roll back to, or is rolled back to) or that
     * model's vectors topic (which a tenant's workers of that model read and write).
     *
     * @param shared a re-embed of every tenant of the same alias
     */
    public boolean dependsOnOldModelOf(ReembedState shared) {
        if (tenant == null || !alias.equals(shared.alias)) {
            return false;
        }
        boolean mayUseItsOldSide = phase != Phase.CLEANED_UP;
        boolean usesItsNewSide = phase != Phase.ROLLED_BACK;
        return mayUseItsOldSide && (fromCollection().equals(shared.fromCollection())
                || fromModel.equals(shared.fromModel)) || usesItsNewSide && toModel.equals(shared.fromModel);
    }

    /** The same re-embed in {@code next} phase, changed at {@code at}. */
    public ReembedState withPhase(Phase next, Instant at) {
        return new ReembedState(alias, fromModel, toModel, tenant, startedAt, next, at, startOffsets,
                fromCollectionName);
    }

    byte[] toJson() {
        try {
            return ChangeEventCodec.mapper().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + this, e);
        }
    }

    static ReembedState fromJson(byte[] json) {
        try {
            return ChangeEventCodec.mapper().readValue(json, ReembedState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("bad re-embed state record", e);
        }
    }
}

package io.kembed.app.reembed;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.app.reembed.ReembedState.Phase;
import io.kembed.core.store.CollectionNames;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which tenant re-embeds a cleanup of every tenant's old model must wait for. */
class ReembedStateTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    /** Every tenant of alias {@code kembed} moved from model a to b. */
    private static final ReembedState SHARED_A_TO_B = shared("a", "b", Phase.CUT_OVER);

    private static ReembedState shared(String from, String to, Phase phase) {
        return new ReembedState("kembed", from, to, null, T0, phase, T0, null, CollectionNames.of("kembed", from));
    }

    /** Tenant t's first re-embed: its old vectors are in the shared collection of {@code from}. */
    private static ReembedState tenantFirst(String from, String to, Phase phase) {
        return new ReembedState("kembed", from, to, "t", T0, phase, T0, null, CollectionNames.of("kembed", from));
    }

    /** Tenant t's later re-embed: its old vectors are in its own collection of {@code from}. */
    private static ReembedState tenantAgain(String from, String to, Phase phase) {
        return new ReembedState("kembed", from, to, "t", T0, phase, T0, null,
                CollectionNames.of(CollectionNames.tenantAlias("kembed", "t"), from));
    }

    @Test
    void aTenantThatCanStillRollBackToTheSharedCollection_blocksItsCleanup() {
        assertThat(tenantFirst("a", "c", Phase.RUNNING).dependsOnOldModelOf(SHARED_A_TO_B)).isTrue();
        assertThat(tenantFirst("a", "c", Phase.CUT_OVER).dependsOnOldModelOf(SHARED_A_TO_B)).isTrue();
        assertThat(tenantFirst("a", "c", Phase.ROLLED_BACK).dependsOnOldModelOf(SHARED_A_TO_B)).isTrue();
    }

    @Test
    void aTenantCleanedUpOffTheOldModel_doesNotBlock() {
        assertThat(tenantFirst("a", "c", Phase.CLEANED_UP).dependsOnOldModelOf(SHARED_A_TO_B)).isFalse();
        assertThat(tenantAgain("c", "d", Phase.CUT_OVER).dependsOnOldModelOf(SHARED_A_TO_B)).isFalse();
    }

    @Test
    void aTenantWhoseWorkersUseTheOldModelsVectorsTopic_blocks() {
        // Its new model is a: its workers read and write a's vectors topic, which the cleanup would delete.
        assertThat(tenantAgain("c", "a", Phase.RUNNING).dependsOnOldModelOf(SHARED_A_TO_B)).isTrue();
        assertThat(tenantAgain("c", "a", Phase.CLEANED_UP).dependsOnOldModelOf(SHARED_A_TO_B)).isTrue();
        // Rolled back to its own c collection: it no longer uses a.
        assertThat(tenantAgain("c", "a", Phase.ROLLED_BACK).dependsOnOldModelOf(SHARED_A_TO_B)).isFalse();
        // Its old model is a, in its own collection, not cleaned up: a's vectors topic still feeds it.
        assertThat(tenantAgain("a", "c", Phase.CUT_OVER).dependsOnOldModelOf(SHARED_A_TO_B)).isTrue();
    }

    @Test
    void otherAliasesAndSharedScopes_neverBlock() {
        ReembedState otherAlias = new ReembedState("other", "a", "c", "t", T0, Phase.CUT_OVER, T0, null,
                CollectionNames.of("other", "a"));
        assertThat(otherAlias.dependsOnOldModelOf(SHARED_A_TO_B)).isFalse();
        assertThat(shared("a", "b", Phase.CUT_OVER).dependsOnOldModelOf(SHARED_A_TO_B)).isFalse();
    }
}

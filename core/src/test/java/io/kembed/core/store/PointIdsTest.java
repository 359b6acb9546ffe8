package io.kembed.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.kembed.core.event.EntityKey;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PointIdsTest {

    @Test
    void ids_areDeterministicVersion5Uuids_distinctPerChunkTenantAndType() {
        UUID a = PointIds.of(EntityKey.contact("t", "1"), 0);
        assertThat(PointIds.of(EntityKey.contact("t", "1"), 0)).isEqualTo(a);
        assertThat(a.version()).isEqualTo(5);
        assertThat(PointIds.of(EntityKey.contact("t", "1"), 1)).isNotEqualTo(a);
        assertThat(PointIds.of(EntityKey.contact("u", "1"), 0)).isNotEqualTo(a);
        assertThat(PointIds.of(EntityKey.document("t", "1"), 0)).isNotEqualTo(a);
    }

    @Test
    void namespace_isStable() {
        // Changing the namespace would orphan every stored point: pin it.
        assertThat(PointIds.NAMESPACE.version()).isEqualTo(5);
        assertThat(PointIds.of(EntityKey.contact("t", "1"), 0)).isEqualTo(PointIds.of(EntityKey.parse("t/contact/1"), 0));
    }
}

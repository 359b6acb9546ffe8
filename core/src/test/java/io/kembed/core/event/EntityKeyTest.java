package io.kembed.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EntityKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with/slash", "with space", "100%", "ünïcödé", "a+b", "emoji 🚀", "tab\there"})
    void keysRoundTrip_whateverTheTenantAndIdContain(String s) {
        EntityKey k = new EntityKey(s, EntityType.DOCUMENT, s + "/id");
        assertThat(EntityKey.parse(k.toKafkaKey())).isEqualTo(k);
        assertThat(k.toKafkaKey().split("/")).hasSize(3);
    }

    @Test
    void malformedKeys_areRejected() {
        assertThatThrownBy(() -> EntityKey.parse("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntityKey.parse("a/robot/c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntityKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}

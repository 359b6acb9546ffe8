package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.EntityType;
import io.kembed.producer.imports.FieldMapping.Source;
import io.kembed.producer.imports.FieldMapping.Tenant;
import io.kembed.producer.imports.FieldMapping.Version;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldMappingTest {

    @Test
    void split_keepsConfiguredValuesWhole() {
        Source tags = Source.of("f").splitOn(", ", "Economy, finance and the euro");

        assertThat(tags.splitValue("Trade, Economy, finance and the euro, Energy"))
                .containsExactly("Trade", "Economy, finance and the euro", "Energy");
        assertThat(tags.splitValue("Economy, finance and the euro")).containsExactly("Economy, finance and the euro");
        assertThat(tags.splitValue("Energy, Economy")).containsExactly("Energy", "Economy");
        assertThat(tags.splitValue("finance and the euro, Economy")).containsExactly("finance and the euro", "Economy");
    }

    @Test
    void split_stripsAndDropsEmptyItems() {
        assertThat(Source.of("f").splitOn(";").splitValue(" a ;; b;")).containsExactly("a", "b");
        assertThat(Source.of("f").splitValue("  whole value ")).containsExactly("whole value");
        assertThat(Source.of("f").splitOn(".").splitValue("a.b")).containsExactly("a", "b"); // not a regex
    }

    @Test
    void unknownTarget_isRejected_withTheKnownOnes() {
        assertThatThrownBy(() -> mapping(EntityType.CONTACT, Map.of("body", Source.of("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'body'")
                .hasMessageContaining("attributes.<key>");
        assertThatThrownBy(() -> mapping(EntityType.DOCUMENT, Map.of("tags", Source.of("x"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mapping(EntityType.CONTACT, Map.of("attributes.", Source.of("x"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void split_onlyOnListTargets() {
        assertThatThrownBy(() -> mapping(EntityType.CONTACT, Map.of("name", Source.of("x").splitOn(","))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a list");
    }

    @Test
    void tenant_needsExactlyOneSource() {
        assertThatThrownBy(() -> new Tenant(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tenant("a", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tenant.constant(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void version_needsASource_andANonNegativeDefault() {
        assertThatThrownBy(() -> new Version(null, java.util.OptionalLong.empty(), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Version.constant(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Version.field("rev").orElseNowMillis().defaultNowMillis()).isTrue();
    }

    private static FieldMapping mapping(EntityType type, Map<String, Source> fields) {
        return new FieldMapping(type, Tenant.constant("t"), "id", Version.constant(1), fields);
    }
}

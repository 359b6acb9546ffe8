package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kembed.core.event.EntityType;
import io.kembed.producer.imports.FieldMapping.Source;
import io.kembed.producer.imports.FieldMapping.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldMappingJsonTest {

    /** The EU preset written as a mapping file; kept in producer/README.md too. */
    static final String EU_PRESET_JSON = """
            {
              "type": "contact",
              "tenant": "eu",
              "idField": "identification_number",
              "version": "now-millis",
              "fields": {
                "name": "person_with_legal_responsibility",
                "company": "organisation_name",
                "title": "position",
                "notes": "goals__remit",
                "tags": {"from": "fields_of_interest", "split": ", ",
                         "keepWhole": ["Economy, finance and the euro"]},
                "phones": "head_office_phone",
                "attributes.country": "head_office_country",
                "attributes.city": "head_office_city",
                "attributes.website": "website_address",
                "attributes.section": "section",
                "attributes.registration_date": "registration_date"
              }
            }
            """;

    @Test
    void euPresetAsJson_equalsThePreset(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("eu.json");
        Files.writeString(file, EU_PRESET_JSON);

        assertThat(FieldMapping.load(file)).isEqualTo(MappingPresets.euTransparencyRegister("eu"));
    }

    @Test
    void everyFormOfSourceAndVersion_isRead() {
        FieldMapping m = FieldMappingJson.parse("""
                {"type": "document", "tenantField": "org", "idField": "id",
                 "versionField": "rev", "version": 7,
                 "fields": {"title": ["a", "b"], "body": {"from": ["c", "d"], "join": "\\n\\n"},
                            "metadata.source": "src"}}
                """);

        assertThat(m.type()).isEqualTo(EntityType.DOCUMENT);
        assertThat(m.tenant().field()).isEqualTo("org");
        assertThat(m.version()).isEqualTo(Version.field("rev").orElse(7));
        assertThat(m.fields().get("title")).isEqualTo(Source.of("a", "b"));
        assertThat(m.fields().get("body")).isEqualTo(new Source(List.of("c", "d"), "\n\n", null, null));
        assertThat(m.fields()).containsKey("metadata.source");
    }

    @Test
    void versionFieldAlone_hasNoDefault() {
        FieldMapping m = FieldMappingJson.parse(
                "{\"type\":\"contact\",\"tenant\":\"t\",\"idField\":\"id\",\"versionField\":\"v\",\"fields\":{}}");

        assertThat(m.version()).isEqualTo(Version.field("v"));
    }

    @Test
    void mistakes_areReportedByName() {
        assertThatThrownBy(() -> FieldMappingJson.parse("{\"type\":\"contact\",\"tenant\":\"t\",\"idField\":\"id\","
                + "\"version\":1,\"fields\":{},\"tenantFeild\":\"x\"}"))
                .hasMessageContaining("unknown key 'tenantFeild'");
        assertThatThrownBy(() -> FieldMappingJson.parse("{\"type\":\"person\",\"tenant\":\"t\",\"idField\":\"id\","
                + "\"version\":1,\"fields\":{}}"))
                .hasMessageContaining("person");
        assertThatThrownBy(() -> FieldMappingJson.parse("{\"type\":\"contact\",\"tenant\":\"t\",\"idField\":\"id\","
                + "\"version\":\"yesterday\",\"fields\":{}}"))
                .hasMessageContaining("'version'");
        assertThatThrownBy(() -> FieldMappingJson.parse("{\"type\":\"contact\",\"tenant\":\"t\",\"version\":1,"
                + "\"fields\":{}}"))
                .hasMessageContaining("'idField' is required");
        assertThatThrownBy(() -> FieldMappingJson.parse("{\"type\":\"contact\",\"tenant\":\"t\",\"idField\":\"id\","
                + "\"version\":1,\"fields\":{\"tags\":{\"form\":\"x\"}}}"))
                .hasMessageContaining("unknown key 'form'");
        assertThatThrownBy(() -> FieldMappingJson.parse("{not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
    }
}

package io.kembed.producer.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kembed.core.event.ContactEvent;
import io.kembed.core.event.DocumentEvent;
import io.kembed.core.event.EntityType;
import io.kembed.core.event.Op;
import io.kembed.producer.imports.FieldMapping.Source;
import io.kembed.producer.imports.FieldMapping.Tenant;
import io.kembed.producer.imports.FieldMapping.Version;
import io.kembed.producer.imports.RowMappingException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowMapperTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void occurredAt_isStampedWhenGiven_andNullOtherwise() throws IOException {
        JsonNode row = RowMapper.parse(resource("eu-row-000005130904-53.json"));
        java.time.Instant read = java.time.Instant.parse("2026-11-22T04:40:00Z");

        assertThat(RowMapper.map(row, MappingPresets.euTransparencyRegister("eu"), NOW, read).occurredAt())
                .isEqualTo(read);
        assertThat(RowMapper.map(row, MappingPresets.euTransparencyRegister("eu"), NOW).occurredAt()).isNull();
    }

    @Test
    void euPreset_mapsARealRow_rejoiningTheEconomyArea() throws IOException {
        JsonNode row = RowMapper.parse(resource("eu-row-000005130904-53.json"));

        ContactEvent c = (ContactEvent) RowMapper.map(row, MappingPresets.euTransparencyRegister("eu"), NOW);

        assertThat(c.schema()).isEqualTo(ContactEvent.SCHEMA);
        assertThat(c.op()).isEqualTo(Op.UPSERT);
        assertThat(c.tenantId()).isEqualTo("eu");
        assertThat(c.contactId()).isEqualTo("000005130904-53");
        assertThat(c.version()).isEqualTo(NOW);
        assertThat(c.name()).isEqualTo("Pierre Willems");
        assertThat(c.company()).isEqualTo("STRATINVEST Consulting");
        assertThat(c.title()).isEqualTo("Président & Associé Fondateur");
        assertThat(c.notes()).startsWith("Cabinet généraliste, STRATINVEST Consulting s'est fixé pour mission")
                .endsWith("registre de transparence de l'Union Européenne.");
        assertThat(c.tags()).containsExactly(
                "General and Institutional Affairs", "Economy, finance and the euro", "Agriculture",
                "Humanitarian aid and civil protection", "Trade", "International co-operation and development",
                "Energy", "Environment", "Maritime affairs and fisheries", "Foreign and Security Policy and Defence",
                "External Relations", "Climate Action", "Borders and Security");
        assertThat(c.phones()).containsExactly("(+33)146270770");
        assertThat(c.emails()).isEmpty();
        assertThat(c.attributes()).isEqualTo(Map.of(
                "country", "France",
                "city", "PARIS",
                "website", "https://www.stratinvest.fr",
                "section", "I - Professional consultancies/law firms/self-employed consultants",
                "registration_date", "22/03/2018"));
        assertThat(c.embeddableText())
                .startsWith("Pierre Willems, Président & Associé Fondateur, STRATINVEST Consulting. Cabinet")
                .contains("Tags: General and Institutional Affairs; Economy, finance and the euro; Agriculture;")
                .doesNotContain("146270770")
                .doesNotContain("22/03/2018");
    }

    @Test
    void missingId_isRejected() {
        assertReason(json("{\"organisation_name\":\"x\"}"), MappingPresets.euTransparencyRegister("eu"),
                Reason.MISSING_ID);
        assertReason(json("{\"identification_number\":\"  \"}"), MappingPresets.euTransparencyRegister("eu"),
                Reason.MISSING_ID);
        assertReason(json("{\"identification_number\":{\"a\":1}}"), MappingPresets.euTransparencyRegister("eu"),
                Reason.WRONG_TYPE);
    }

    @Test
    void objectWhereTextIsExpected_isRejected() {
        assertReason(json("{\"identification_number\":\"1\",\"position\":{\"a\":1}}"),
                MappingPresets.euTransparencyRegister("eu"), Reason.WRONG_TYPE);
    }

    @Test
    void badLines_areRejected() {
        assertThatThrownBy(() -> RowMapper.parse(bytes("{\"a\":")))
                .isInstanceOfSatisfying(RowMappingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_JSON));
        assertThatThrownBy(() -> RowMapper.parse(bytes("{\"a\":1} {\"b\":2}")))
                .isInstanceOfSatisfying(RowMappingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_JSON));
        assertThatThrownBy(() -> RowMapper.parse(new byte[] {'"', (byte) 0xC3, '"'}))
                .isInstanceOfSatisfying(RowMappingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_JSON));
        assertThatThrownBy(() -> RowMapper.parse(bytes("[1,2]")))
                .isInstanceOfSatisfying(RowMappingException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_OBJECT));
    }

    @Test
    void tenantField_numbersAndArrays_andJoinedSources() {
        Map<String, Source> fields = new LinkedHashMap<>();
        fields.put("title", Source.of("first", "last"));
        fields.put("body", Source.of("paras").joinedBy("\n\n"));
        fields.put("metadata.year", Source.of("year"));
        FieldMapping m = new FieldMapping(EntityType.DOCUMENT, Tenant.field("org"), "id", Version.field("rev"),
                fields);

        DocumentEvent d = (DocumentEvent) RowMapper.map(json("""
                {"org": "acme", "id": 42, "rev": "17", "first": "Marie", "last": " Curie ",
                 "paras": ["one", null, "two"], "year": 1903}
                """), m, NOW);

        assertThat(d.tenantId()).isEqualTo("acme");
        assertThat(d.documentId()).isEqualTo("42");
        assertThat(d.version()).isEqualTo(17);
        assertThat(d.title()).isEqualTo("Marie Curie");
        assertThat(d.body()).isEqualTo("one\n\ntwo");
        assertThat(d.metadata()).containsEntry("year", "1903");
        assertReason(json("{\"id\":1,\"rev\":1}"), m, Reason.MISSING_TENANT);
    }

    @Test
    void listTargets_combineSources_withoutDuplicates() {
        Map<String, Source> fields = Map.of("tags", Source.of("a", "b").splitOn("|"), "emails", Source.of("mail"));
        FieldMapping m = new FieldMapping(EntityType.CONTACT, Tenant.constant("t"), "id", Version.constant(3), fields);

        ContactEvent c = (ContactEvent) RowMapper.map(
                json("{\"id\":\"1\",\"a\":\"x|y\",\"b\":[\"y|z\"],\"mail\":[\"m@x.org\",\"n@x.org\"]}"), m, NOW);

        assertThat(c.tags()).containsExactly("x", "y", "z");
        assertThat(c.emails()).containsExactly("m@x.org", "n@x.org");
        assertThat(c.version()).isEqualTo(3);
    }

    @Test
    void version_fromField_withFallbacks() {
        JsonNode with = json("{\"rev\": 5}");
        JsonNode without = json("{}");

        assertThat(RowMapper.version(with, Version.field("rev"), NOW)).isEqualTo(5);
        assertThat(RowMapper.version(without, Version.field("rev").orElse(9), NOW)).isEqualTo(9);
        assertThat(RowMapper.version(without, Version.field("rev").orElseNowMillis(), NOW)).isEqualTo(NOW);
        assertThatThrownBy(() -> RowMapper.version(without, Version.field("rev"), NOW))
                .isInstanceOfSatisfying(RowMappingException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_VERSION));
        for (String bad : new String[] {"{\"rev\":\"v2\"}", "{\"rev\":1.5}", "{\"rev\":-1}",
                "{\"rev\":\"99999999999999999999\"}", "{\"rev\":true}"}) {
            assertThatThrownBy(() -> RowMapper.version(json(bad), Version.field("rev"), NOW))
                    .as(bad)
                    .isInstanceOfSatisfying(RowMappingException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_VERSION));
        }
    }

    private static void assertReason(JsonNode row, FieldMapping m, Reason reason) {
        assertThatThrownBy(() -> RowMapper.map(row, m, NOW))
                .isInstanceOfSatisfying(RowMappingException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static JsonNode json(String s) {
        return RowMapper.parse(bytes(s));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = RowMapperTest.class.getResourceAsStream("/imports/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}

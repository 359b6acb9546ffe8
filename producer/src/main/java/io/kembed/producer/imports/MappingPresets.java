package io.kembed.producer.imports;

import io.kembed.core.event.EntityType;
import io.kembed.producer.imports.FieldMapping.Source;
import io.kembed.producer.imports.FieldMapping.Tenant;
import io.kembed.producer.imports.FieldMapping.Version;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Field mappings for the data sets kept in the repository's {@code data/} directory. */
public final class MappingPresets {

    /** Preset name of {@link #euTransparencyRegister(String)}, for a {@code --preset} option. */
    public static final String EU_TRANSPARENCY_REGISTER = "eu-transparency-register";

    /**
     * The one policy area of the register's 40 whose name contains the {@code ", "} that
     * {@code fields_of_interest} is joined with (see {@code data/eu-transparency-register-2018/PROVENANCE.md}).
     */
    static final String ECONOMY_AREA = "Economy, finance and the euro";

    private MappingPresets() {
    }

    /** The names {@link #byName(String, String)} accepts. */
    public static List<String> names() {
        return List.of(EU_TRANSPARENCY_REGISTER);
    }

    /**
     * @throws IllegalArgumentException for an unknown name; the message lists the known ones
     */
    public static FieldMapping byName(String name, String tenantId) {
        if (EU_TRANSPARENCY_REGISTER.equals(name)) {
            return euTransparencyRegister(tenantId);
        }
        throw new IllegalArgumentException("unknown mapping preset '" + name + "'; known: " + names());
    }

    /**
     * Maps a row of {@code data/eu-transparency-register-2018/transparency_register_2018.jsonl.gz} to a
     * {@code contact.v1} event: the organisation's legally responsible person as the contact.
     *
     * <ul>
     *   <li>id = {@code identification_number}; version = the import's start time (the register has no revision);</li>
     *   <li>name = {@code person_with_legal_responsibility} (pseudonymised), company = {@code organisation_name},
     *       title = {@code position}, notes = {@code goals__remit};</li>
     *   <li>tags = {@code fields_of_interest} split on {@code ", "}, keeping "Economy, finance and the euro" whole;</li>
     *   <li>phones = {@code head_office_phone};</li>
     *   <li>attributes (not embedded): country, city, website, section, registration_date (dd/mm/yyyy).</li>
     * </ul>
     *
     * @param tenantId the tenant every contact goes to
     */
    public static FieldMapping euTransparencyRegister(String tenantId) {
        Map<String, Source> fields = new LinkedHashMap<>();
        fields.put("name", Source.of("person_with_legal_responsibility"));
        fields.put("company", Source.of("organisation_name"));
        fields.put("title", Source.of("position"));
        fields.put("notes", Source.of("goals__remit"));
        fields.put("tags", Source.of("fields_of_interest").splitOn(", ", ECONOMY_AREA));
        fields.put("phones", Source.of("head_office_phone"));
        fields.put("attributes.country", Source.of("head_office_country"));
        fields.put("attributes.city", Source.of("head_office_city"));
        fields.put("attributes.website", Source.of("website_address"));
        fields.put("attributes.section", Source.of("section"));
        fields.put("attributes.registration_date", Source.of("registration_date"));
        return new FieldMapping(EntityType.CONTACT, Tenant.constant(tenantId), "identification_number",
                Version.nowMillis(), fields);
    }
}

package io.kembed.app.bench;

import io.kembed.core.event.ContactEvent;
import io.kembed.producer.imports.FieldMapping;
import io.kembed.producer.imports.MappingPresets;
import io.kembed.producer.imports.RowMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Real benchmark input: the first N EU-register rows as contact events, through the import preset. */
public final class RegisterTexts {

    private RegisterTexts() {
    }

    /** @throws IOException if the file cannot be read */
    public static List<ContactEvent> contacts(Path gz, String tenant, int limit) throws IOException {
        FieldMapping mapping = MappingPresets.euTransparencyRegister(tenant);
        List<ContactEvent> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            String line;
            while (out.size() < limit && (line = r.readLine()) != null) {
                out.add((ContactEvent) RowMapper.map(RowMapper.parse(line.getBytes(StandardCharsets.UTF_8)), mapping, 1));
            }
        }
        return out;
    }
}

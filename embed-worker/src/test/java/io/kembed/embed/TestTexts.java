package io.kembed.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Texts for model tests. */
public final class TestTexts {

    /** Real, varied organisation descriptions (mostly English, some French, German, Italian); read-only. */
    public static final Path TRANSPARENCY_REGISTER =
            Path.of("/work/shared/data/eu-transparency-register-2018/transparency_register_2018.jsonl.gz");

    /** About 130 words of plain English, to be repeated into long texts. */
    public static final String PARAGRAPH = "The European Union funds research into renewable energy, and every "
            + "year thousands of organisations apply for grants. Applications describe the project's goals, the "
            + "partners involved, the expected impact on climate policy and the budget requested. Reviewers read "
            + "each proposal, score it against published criteria and recommend the strongest for funding. "
            + "Successful projects report their progress twice a year; the reports are archived and later used "
            + "to evaluate whether the programme met its targets. Critics argue that the process favours large "
            + "institutions with dedicated grant offices, while supporters point to the rigorous, transparent "
            + "review. Either way, the archive of proposals and reports has become a valuable corpus for anyone "
            + "studying how public money shapes the energy transition across member states.";

    private TestTexts() {
    }

    /** @return {@link #PARAGRAPH} repeated {@code times} times, separated by blank lines */
    public static String longText(int times) {
        return String.join("\n\n", java.util.Collections.nCopies(times, PARAGRAPH));
    }

    /**
     * Reads up to {@code limit} non-blank {@code goals__remit} values from the transparency register.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public static List<String> registerGoals(int limit) {
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(TRANSPARENCY_REGISTER)), StandardCharsets.UTF_8))) {
            String line;
            while (texts.size() < limit && (line = in.readLine()) != null) {
                String text = json.readTree(line).path("goals__remit").asText("").strip();
                if (!text.isEmpty()) {
                    texts.add(text);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }
}

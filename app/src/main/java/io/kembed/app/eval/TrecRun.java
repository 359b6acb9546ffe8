package io.kembed.app.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes runs in TREC format: {@code qid Q0 docid rank score tag}, rank from 1. */
public final class TrecRun {

    private TrecRun() {
    }

    /** One ranked document with its score. */
    public record Scored(String docId, double score) {
    }

    /** @throws IOException if the file cannot be written */
    public static void write(Path file, Map<String, List<Scored>> runs, String tag) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, List<Scored>> q : runs.entrySet()) {
                int rank = 1;
                for (Scored s : q.getValue()) {
                    w.write(String.format(Locale.ROOT, "%s Q0 %s %d %.6f %s%n", q.getKey(), s.docId(), rank++,
                            s.score(), tag));
                }
            }
        }
    }
}

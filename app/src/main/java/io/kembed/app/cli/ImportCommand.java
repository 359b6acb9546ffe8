package io.kembed.app.cli;

import io.kembed.producer.ChangePublisher;
import io.kembed.producer.PublisherConfig;
import io.kembed.producer.imports.ConsoleProgress;
import io.kembed.producer.imports.FieldMapping;
import io.kembed.producer.imports.ImportOptions;
import io.kembed.producer.imports.ImportSummary;
import io.kembed.producer.imports.JsonlImporter;
import io.kembed.producer.imports.MappingPresets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kembed import}: publish a JSONL(.gz) file as change events, with a progress bar. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Publish JSONL or JSONL.gz rows as contact or document change events.")
public final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "JSONL or JSONL.gz (gzip detected by content).")
    Path file;

    @ArgGroup(exclusive = true, multiplicity = "1")
    MappingChoice mapping;

    static final class MappingChoice {
        @Option(names = "--preset", description = "A built-in mapping: ${COMPLETION-CANDIDATES}.",
                completionCandidates = PresetNames.class)
        String preset;

        @Option(names = "--mapping", paramLabel = "MAPPING.json",
                description = "A field mapping file (format: producer/README.md).")
        Path mappingFile;
    }

    static final class PresetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return MappingPresets.names().iterator();
        }
    }

    @Option(names = "--tenant", description = "Tenant id for presets (default: the preset's own).")
    String tenant;

    @Option(names = "--limit", description = "Import only the first N lines.")
    long limit = Long.MAX_VALUE;

    @Option(names = "--rejects", paramLabel = "FILE", description = "Rejected lines with reasons (default: FILE.rejects.jsonl).")
    Path rejects;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        FieldMapping fieldMapping = mapping.mappingFile != null ? FieldMapping.load(mapping.mappingFile)
                : MappingPresets.byName(mapping.preset, tenant != null ? tenant : DemoCommand.TENANT);
        ImportOptions options = ImportOptions.defaults(rejects != null ? rejects
                : ImportOptions.defaultRejectsFile(file)).withMaxLines(limit);
        try (ChangePublisher publisher = new ChangePublisher(new PublisherConfig(kafka.requireBootstrapServers(),
                kafka.topics(), kafka.clientProperties()));
                ConsoleProgress progress = ConsoleProgress.forStderr()) {
            ImportSummary s = new JsonlImporter(publisher, fieldMapping).run(file, options, progress);
            System.out.printf(Locale.ROOT, "read %,d lines: published %,d, rejected %,d%s, blank %,d, in %.1f s "
                    + "(%,.0f events/s)%n", s.read(), s.published(), s.rejected(),
                    s.rejected() == 0 ? "" : " (see " + options.rejectsFile() + ")", s.blank(),
                    s.elapsedMs() / 1000.0, s.eventsPerSecond());
            return s.rejected() == 0 ? 0 : 3;
        }
    }
}

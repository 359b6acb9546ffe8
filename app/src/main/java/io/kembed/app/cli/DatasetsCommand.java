package io.kembed.app.cli;

import io.kembed.app.eval.NobelBeir;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kembed datasets nobel}: build the BEIR-format Nobel set used by {@code kembed eval}. */
@Command(name = "datasets", mixinStandardHelpOptions = true, description = "Build evaluation data sets.",
        subcommands = DatasetsCommand.Nobel.class)
public final class DatasetsCommand {

    @Command(name = "nobel", mixinStandardHelpOptions = true,
            description = "BEIR-format set from data/nobel-laureates/laureate.json: queries are prize motivations.")
    static final class Nobel implements Callable<Integer> {

        @Option(names = "--out", required = true, description = "Output directory.")
        Path out;

        @Option(names = "--min-year", defaultValue = "0", description = "Only prizes from this year on.")
        int minYear;

        @Option(names = "--input", description = "laureate.json (default: the copy in data/).")
        Path input;

        @Override
        public Integer call() throws Exception {
            Path in = input != null ? input : DataFiles.find("data/nobel-laureates/laureate.json");
            int[] n = NobelBeir.build(in, out, minYear);
            System.out.printf("wrote %s: %d documents, %d queries%n", out, n[0], n[1]);
            return 0;
        }
    }
}

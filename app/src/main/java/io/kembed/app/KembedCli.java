package io.kembed.app;

import io.kembed.app.cli.BenchCommand;
import io.kembed.app.cli.DatasetsCommand;
import io.kembed.app.cli.DemoCommand;
import io.kembed.app.cli.EvalCommand;
import io.kembed.app.cli.ImportCommand;
import io.kembed.app.cli.ModelsCommand;
import io.kembed.app.cli.ReembedCommand;
import io.kembed.app.cli.SearchCommand;
import io.kembed.app.cli.StatusCommand;
import io.kembed.app.cli.TopicsCommand;
import io.kembed.app.cli.WorkerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code kembed} command line. */
@Command(name = "kembed", mixinStandardHelpOptions = true, version = "kembed 0.1.0",
        description = "Event-driven embedding pipeline on Apache Kafka.",
        subcommands = {DemoCommand.class, ImportCommand.class, SearchCommand.class, EvalCommand.class,
            BenchCommand.class, DatasetsCommand.class, WorkerCommand.class, TopicsCommand.class, StatusCommand.class,
            ReembedCommand.class,
            ModelsCommand.class})
public final class KembedCli {

    private KembedCli() {
    }

    /** Accepted before or after any subcommand; logs go to stderr either way. */
    @Option(names = "--log-format", paramLabel = "text|json", scope = ScopeType.INHERIT,
            defaultValue = "${env:KEMBED_LOG_FORMAT:-text}",
            description = "Log format on stderr: text, or json (one object per line) for log shippers "
                    + "(env KEMBED_LOG_FORMAT; default: ${DEFAULT-VALUE}).")
    void setLogFormat(String format) {
        io.kembed.app.cli.LogFormat.of(format).apply();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line: user errors (exit 2) and an unanswered query embedding or store call (exit 1)
     * print a one-line message, not a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new KembedCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.util.NoSuchElementException) {
                cmd.getErr().println(cmd.getColorScheme().errorText("kembed: " + ex.getMessage()));
                return 2;
            }
            if (ex instanceof io.kembed.search.QueryEmbeddingException
                    || ex instanceof io.kembed.core.store.VectorStoreException) {
                // A part of the deployment did not answer (no query-embedding worker, store down): say which, once.
                cmd.getErr().println(cmd.getColorScheme().errorText("kembed: " + ex.getMessage()));
                return 1;
            }
            throw ex;
        });
        return cl;
    }
}

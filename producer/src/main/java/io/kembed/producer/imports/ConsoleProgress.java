package io.kembed.producer.imports;

import java.io.PrintStream;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows an import's progress with {@code me.tongfei:progressbar}: lines done out of the total, lines per second,
 * ETA, and the reject count.
 *
 * <p>The total comes from the importer's counting pass ({@link ImportOptions#countLinesFirst()}), so the bar and the
 * ETA are in lines, the unit the user thinks in. Without that pass the bar is indefinite (count and rate, no ETA).
 *
 * <p>On a terminal the bar redraws in place every {@value #INTERACTIVE_UPDATE_MS} ms. When the output is not a
 * terminal (CI logs, a pipe, a file) redrawing with {@code \r} would fill the log, so the bar is printed as a plain
 * line every {@value #LOG_UPDATE_MS} ms instead, through the library's delegating consumer. Not thread-safe: the
 * importer calls it from one thread.
 */
public final class ConsoleProgress implements ImportListener, AutoCloseable {

    static final int INTERACTIVE_UPDATE_MS = 200;
    static final int LOG_UPDATE_MS = 10_000;
    /** Width of a logged progress line, in chars; there is no terminal to ask. */
    static final int LOG_LINE_CHARS = 160;

    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private long rejected;

    /**
     * @param out where the bar is drawn, usually {@code System.err} so stdout stays clean for results
     * @param interactive whether {@code out} is a terminal that understands {@code \r}; see {@link #forStderr()}
     */
    public ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
    }

    /** Draws on {@code System.err}, interactively if the JVM has a console (neither stdin nor stdout redirected). */
    public static ConsoleProgress forStderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    public boolean isInteractive() {
        return interactive;
    }

    @Override
    public void onStart(Path input, OptionalLong totalLines, long inputBytes) {
        closeBar();
        rejected = 0;
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName("import " + input.getFileName())
                .setInitialMax(totalLines.orElse(-1))
                .setUnit(" lines", 1)
                .showSpeed(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setConsumer(consumer())
                .setStyle(interactive ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(interactive ? INTERACTIVE_UPDATE_MS : LOG_UPDATE_MS);
        bar = builder.build();
    }

    private ProgressBarConsumer consumer() {
        if (interactive) {
            return new ConsoleProgressBarConsumer(out);
        }
        return new DelegatingProgressBarConsumer(out::println, LOG_LINE_CHARS);
    }

    @Override
    public void onProgress(long done, OptionalLong total, long bytesRead) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void onReject(Rejection rejection) {
        rejected++;
        if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, " (%,d rejected)", rejected));
        }
    }

    /** Draws the final state, closes the bar and prints the summary on its own line. */
    @Override
    public void onFinish(ImportSummary summary) {
        closeBar();
        out.println(summary);
    }

    /** Stops the bar's render thread; call it if the import ends by an exception. Idempotent. */
    @Override
    public void close() {
        closeBar();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}

package io.kembed.app.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The log formats of {@code logback.xml}: {@code text} for people, {@code json} (one object per line, logback's
 * {@code JsonEncoder}: {@code timestamp}, {@code level}, {@code threadName}, {@code loggerName},
 * {@code formattedMessage}, {@code throwable}, ...) for log shippers. Chosen with {@code KEMBED_LOG_FORMAT} or
 * {@code --log-format}.
 */
public enum LogFormat {
    text, json;

    /** The logback variable naming the appender; a system property wins over the environment variable. */
    static final String VARIABLE = "KEMBED_LOG_FORMAT";

    /** @throws IllegalArgumentException naming the formats if {@code name} is not one (case-insensitive) */
    public static LogFormat of(String name) {
        try {
            return valueOf(name.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log format '" + name + "'; use text or json", e);
        }
    }

    /** The format logback was configured with at start-up. */
    static LogFormat current() {
        String p = System.getProperty(VARIABLE, System.getenv(VARIABLE));
        return p == null || p.isBlank() ? text : of(p);
    }

    /**
     * Switches the running logging to this format: sets the variable and reloads {@code logback.xml} (logging may
     * already have started while the command line was parsed). Does nothing if it is the current format.
     *
     * @throws IllegalStateException if logback rejects its configuration
     */
    public void apply() {
        if (this == current()) {
            return;
        }
        System.setProperty(VARIABLE, name());
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding (a test harness): it has its own configuration
        }
        URL config = LogFormat.class.getResource("/logback.xml");
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot reload " + config + ": " + e.getMessage(), e);
        }
    }
}

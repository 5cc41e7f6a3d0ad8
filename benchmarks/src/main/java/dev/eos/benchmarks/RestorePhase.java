package dev.eos.benchmarks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * The restore phase alone of the contender running in this JVM, from the restore line each restored partition
 * gives ({@code ... restored: N changelog record(s) ... in M ms}): eos's restore thread logs it, and the Kafka
 * Streams contenders' restore listener prints it. Every partition of a restore from an empty state directory
 * begins together (one restore consumer reads them all, in eos as in Streams), so the longest partition's time is
 * the phase, from its start to its end, without group join, store opening before the first read, or processing.
 */
final class RestorePhase {

    private static final Pattern LINE = Pattern.compile("restored: (\\d+) changelog record.*? in (\\d+) ms");
    private static long records;
    private static long longestMs;
    private static boolean capturing;

    private RestorePhase() {
    }

    /** Starts a new measurement (and, the first time, listens to eos's restore lines). */
    static synchronized void reset() {
        records = 0;
        longestMs = 0;
        if (!capturing) {
            capturing = true;
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            Configuration config = context.getConfiguration();
            AbstractAppender appender = new AbstractAppender("restore-phase", null, null, true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent event) {
                    line(event.getMessage().getFormattedMessage());
                }
            };
            appender.start();
            config.addAppender(appender);
            config.getLoggerConfig("dev.eos.internals.state.Restorer").addAppender(appender, Level.INFO, null);
            context.updateLoggers();
        }
    }

    /** Takes one restore line; lines of partitions that read nothing do not count. */
    static synchronized void line(String text) {
        Matcher m = LINE.matcher(text);
        if (m.find() && Long.parseLong(m.group(1)) > 0) {
            records += Long.parseLong(m.group(1));
            longestMs = Math.max(longestMs, Long.parseLong(m.group(2)));
        }
    }

    /** The changelog records restored since {@link #reset()}. */
    static synchronized long records() {
        return records;
    }

    /** The longest partition's restore since {@link #reset()}, in ms; 0 if none read anything. */
    static synchronized long longestMillis() {
        return longestMs;
    }
}

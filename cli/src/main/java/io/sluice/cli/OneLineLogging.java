package io.sluice.cli;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The CLI's log format: one line per event on standard error, {@code 05:16:37.412 WARNING SplitProcessor: Rejected
 * record ...}, instead of java.util.logging's two lines. {@code System.Logger}, and SLF4J through slf4j-jdk14, end
 * here. {@code SLUICE_LOG_LEVEL} (e.g. {@code FINE}) changes the level; record values are only logged below INFO.
 */
final class OneLineLogging extends Handler {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static volatile boolean installed;

    /** Replaces the root logger's handlers; idempotent. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Level level = Level.INFO;
        String configured = System.getenv("SLUICE_LOG_LEVEL");
        if (configured != null && !configured.isBlank()) {
            try {
                level = Level.parse(configured.trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                // An unknown level keeps INFO rather than failing the command.
            }
        }
        root.setLevel(level);
        root.addHandler(new OneLineLogging());
        installed = true;
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        // System.err at each event, not at install: tests and the demo redirect it.
        System.err.println(format(record));
    }

    static String format(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        String message = record.getMessage() == null ? "" : record.getMessage();
        if (record.getParameters() != null && record.getParameters().length > 0) {
            try {
                message = java.text.MessageFormat.format(message, record.getParameters());
            } catch (IllegalArgumentException e) {
                // Not a pattern: keep the message as it is.
            }
        }
        StringBuilder line = new StringBuilder()
                .append(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME)).append(' ')
                .append(record.getLevel().getName()).append(' ')
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                .append(message.replace('\n', ' ').replace('\r', ' '));
        if (record.getThrown() != null) {
            line.append(" (").append(SluiceCommand.oneLine(record.getThrown())).append(')');
        }
        return line.toString();
    }

    @Override
    public void flush() {
        System.err.flush();
    }

    @Override
    public void close() {
    }
}

package io.sluice.functions.wiring;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Log events as Lambda's JSON log format expects them from code that writes to standard output: one JSON object per
 * line with {@code timestamp}, {@code level} (Lambda's names: DEBUG, INFO, WARN, ERROR), {@code logger} and
 * {@code message}, so {@code LoggingConfig.ApplicationLogLevel} filters them and CloudWatch Logs Insights reads their
 * fields. {@code System.Logger} (and SLF4J, through slf4j-jdk14) end here. Installed by every handler class when it
 * runs on Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} set), at the level of {@code AWS_LAMBDA_LOG_LEVEL}; elsewhere
 * (tests, the CLI) nothing changes. EMF metric lines are printed directly, not logged, and stay as they are.
 *
 * <pre>{@code
 * {"timestamp":"2026-12-06T05:16:37.412Z","level":"WARN","logger":"io.sluice.functions.runtime.SplitProcessor","message":"Rejected record ..."}
 * }</pre>
 */
public final class LambdaLogging extends Handler {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile boolean installed;

    private final PrintStream out;

    LambdaLogging(PrintStream out) {
        this.out = out;
    }

    /** On Lambda, replaces the root logger's handlers with JSON lines on standard output; idempotent. */
    public static void installOnLambda(Map<String, String> env) {
        if (env.get("AWS_LAMBDA_FUNCTION_NAME") == null) {
            return;
        }
        synchronized (LambdaLogging.class) {
            if (installed) {
                return;
            }
            Logger root = LogManager.getLogManager().getLogger("");
            for (Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
            root.setLevel(julLevel(env.getOrDefault("AWS_LAMBDA_LOG_LEVEL", "INFO")));
            root.addHandler(new LambdaLogging(System.out));
            installed = true;
        }
    }

    /** Lambda's level names (TRACE .. FATAL) as java.util.logging levels; unknown names are INFO. */
    static Level julLevel(String lambdaLevel) {
        return switch (lambdaLevel.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "WARN" -> Level.WARNING;
            case "ERROR", "FATAL" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }

    /** java.util.logging's level as Lambda names it. */
    static String lambdaLevel(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        return v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    static String format(LogRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("timestamp", record.getInstant().toString());
        node.put("level", lambdaLevel(record.getLevel()));
        node.put("logger", record.getLoggerName());
        String message = record.getMessage();
        if (message != null && record.getParameters() != null && record.getParameters().length > 0) {
            try {
                message = java.text.MessageFormat.format(message, record.getParameters());
            } catch (IllegalArgumentException e) {
                // Not a pattern: keep the message as it is.
            }
        }
        node.put("message", message);
        if (record.getThrown() != null) {
            node.put("errorType", record.getThrown().getClass().getName());
            node.put("errorMessage", String.valueOf(record.getThrown().getMessage()));
        }
        return node.toString();
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            out.println(format(record));
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
    }
}

package io.sluice.cli;

import io.sluice.functions.local.ProgressListener;

import java.io.PrintStream;

/**
 * A one-line progress bar on standard error, redrawn at most four times a second, shown only on a terminal:
 * {@code [##########----------]  50%  5,000,000 records  2.1M records/s}.
 */
final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final long totalBytes;
    private final PrintStream err = System.err;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(long totalBytes) {
        this.totalBytes = totalBytes;
    }

    /** A bar if standard error is likely a terminal (a console is attached), else null. */
    static ProgressBar onTerminal(long totalBytes) {
        return System.console() != null ? new ProgressBar(totalBytes) : null;
    }

    @Override
    public synchronized void progress(long records, long bytes) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double rate = records / Math.max(1e-9, (now - started) / 1e9);
        StringBuilder line = new StringBuilder("\r");
        if (totalBytes > 0) {
            double fraction = Math.min(1.0, (double) bytes / totalBytes);
            int filled = (int) (fraction * WIDTH);
            line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                    .append(String.format("%3d%%  ", (int) (fraction * 100)));
        }
        line.append(String.format("%,d records  %.1fM records/s ", records, rate / 1e6));
        err.print(line);
        err.flush();
        drawn = true;
    }

    synchronized void done() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            err.flush();
        }
    }
}

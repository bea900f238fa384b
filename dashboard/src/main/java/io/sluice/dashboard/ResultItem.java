package io.sluice.dashboard;

/**
 * One row of the results table as the dashboard reads it.
 *
 * @param windowStart epoch ms, inclusive
 * @param key         the key ({@code ""} for a global window)
 * @param count       orders in the window and key
 * @param sumCents    GMV in integer cents
 * @param isFinal     false for an early update of a window still open
 */
public record ResultItem(long windowStart, String key, long count, long sumCents, boolean isFinal) {
}

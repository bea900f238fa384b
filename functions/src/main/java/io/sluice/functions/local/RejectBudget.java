package io.sluice.functions.local;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The side-output budget shared by every split of one local run: at most {@code limit} rejects, and at most
 * {@code byteLimit} bytes of rejects and late records together (as spooled: one ASCII JSON line each, never shorter
 * than the line the output file gets), so a run over bad input stops early instead of spooling every reject. "The
 * first" follow the side outputs' drain order: input line order (batch: task, then the task's line; stream: the
 * line, whichever shard had it). Each split spools until it holds {@code limit + 1} rejects or more than
 * {@code byteLimit} bytes (any later record of that split comes after them in drain order), so the spools hold at
 * most {@code splits} times that, wherever the bad lines are.
 *
 * <p>When to stop reading, so the first rejects past a limit are spooled whatever the timing:
 * <ul>
 *   <li>batch, task {@code t}: once tasks {@code 0..t} together passed a limit. An earlier task's counts only grow,
 *       so every later reject of task {@code t} comes after rejects that already passed it; a task whose earlier
 *       tasks are within the limits reads on (its rejects may be among the first).</li>
 *   <li>stream: once all shards together passed a limit; the reader stops, and the lines it already read are all
 *       processed, so the first rejects in line order are among them.</li>
 * </ul>
 * {@code new RejectBudget(Long.MAX_VALUE, Long.MAX_VALUE, n)} never stops and spools everything.
 */
final class RejectBudget {

    private final long limit;
    private final long byteLimit;
    private final AtomicLongArray counts;
    private final AtomicLongArray bytes;

    RejectBudget(long limit, long byteLimit, int splits) {
        if (limit < 0 || byteLimit < 0) {
            throw new IllegalArgumentException("reject limits must be 0 or more but were " + limit + " and " + byteLimit);
        }
        this.limit = limit;
        this.byteLimit = byteLimit;
        this.counts = new AtomicLongArray(splits);
        this.bytes = new AtomicLongArray(splits);
    }

    long limit() {
        return limit;
    }

    long byteLimit() {
        return byteLimit;
    }

    /** Counts a reject of {@code split}; true if it is to be spooled, then {@link #spooled} adds its size. */
    boolean admit(int split) {
        long before = counts.getAndIncrement(split);
        return before <= limit && bytes.get(split) <= byteLimit;
    }

    /** Whether a late record of {@code split} is to be spooled, then {@link #spooled} adds its size. */
    boolean admitLate(int split) {
        return bytes.get(split) <= byteLimit;
    }

    /** Adds the size of a spooled record of {@code split}. */
    void spooled(int split, long size) {
        bytes.addAndGet(split, size);
    }

    /** Whether {@code rejects} passed on, and {@code size} bytes after {@code passedBytes}, stay within the limits. */
    boolean fits(long rejects, long passedBytes, long size) {
        return rejects <= limit && passedBytes + size <= byteLimit;
    }

    /** Batch: whether task {@code split} has nothing left to add to the first rejects past a limit. */
    boolean exhaustedUpTo(int split) {
        return passed(split + 1);
    }

    /** Whether the run as a whole passed a limit: it fails, whatever it read. */
    boolean exceeded() {
        return passed(counts.length());
    }

    private boolean passed(int splits) {
        long n = 0;
        long size = 0;
        for (int s = 0; s < splits; s++) {
            n += counts.get(s);
            size += bytes.get(s);
            if (n > limit || size > byteLimit) {
                return true;
            }
        }
        return false;
    }
}

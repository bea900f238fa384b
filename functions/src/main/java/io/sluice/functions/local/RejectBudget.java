package io.sluice.functions.local;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The {@code --max-rejects} budget shared by every split of one local run, so a run over bad input stops early
 * instead of spooling every reject. "The first {@code limit} rejects" is the side outputs' drain order: input line
 * order (batch: task, then the task's line; stream: the line, whichever shard had it). Each split counts its own
 * rejects and spools at most {@code limit + 1} of them (any later one of that split comes after them in drain order),
 * so the spools hold at most {@code splits * (limit + 1)} rejects, wherever the bad lines are.
 *
 * <p>When to stop reading, so the first {@code limit + 1} are spooled whatever the timing:
 * <ul>
 *   <li>batch, task {@code t}: once tasks {@code 0..t} together counted more than {@code limit}. An earlier task's
 *       count only grows, so every later reject of task {@code t} comes after {@code limit + 1} known ones; a task
 *       whose earlier tasks count {@code limit} or fewer reads on (its rejects may be among the first).</li>
 *   <li>stream: once all shards together counted more than {@code limit}; the reader stops, and the lines it already
 *       read are all processed, so the first {@code limit + 1} in line order are among them.</li>
 * </ul>
 * {@code new RejectBudget(Long.MAX_VALUE, n)} never stops and spools everything.
 */
final class RejectBudget {

    private final long limit;
    private final AtomicLongArray counts;

    RejectBudget(long limit, int splits) {
        if (limit < 0) {
            throw new IllegalArgumentException("the reject limit must be 0 or more but was " + limit);
        }
        this.limit = limit;
        this.counts = new AtomicLongArray(splits);
    }

    long limit() {
        return limit;
    }

    boolean unlimited() {
        return limit == Long.MAX_VALUE;
    }

    /** Counts a reject of {@code split}; true if it is to be spooled (one of the split's first {@code limit + 1}). */
    boolean admit(int split) {
        long n = counts.incrementAndGet(split);
        return unlimited() || n <= limit + 1;
    }

    /** Batch: whether task {@code split} has nothing left to add to the first {@code limit + 1}. */
    boolean exhaustedUpTo(int split) {
        return !unlimited() && sum(split + 1) > limit;
    }

    /** Whether the run as a whole has more rejects than the limit: it fails, whatever it read. */
    boolean exceeded() {
        return !unlimited() && sum(counts.length()) > limit;
    }

    private long sum(int splits) {
        long total = 0;
        for (int s = 0; s < splits; s++) {
            total += counts.get(s);
            if (total > limit) {
                return total;
            }
        }
        return total;
    }
}

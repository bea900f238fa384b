package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Cuts a job's objects into tasks: one per object, and plain objects larger than {@code maxTaskBytes} into byte
 * ranges of at most that size. A task reading {@code [a, b)} owns the lines that start in it (the batch function
 * skips to the first line start after {@code a - 1} and stops at the first line starting at or after {@code b}),
 * so adjacent ranges cover every line exactly once wherever the cuts fall. Gzip objects are never cut: gzip cannot
 * be entered in the middle.
 *
 * <pre>{@code
 * List<BatchTask> tasks = TaskPlanner.of(64L << 20).plan("nightly-2020-11-11", objects, ref -> ref.key().endsWith(".gz"));
 * }</pre>
 *
 * <p>Task ids are {@code <jobId>-<ordinal>} in manifest order, so the same job over the same manifest always has the
 * same plan.
 */
public final class TaskPlanner {

    private final long maxTaskBytes;

    private TaskPlanner(long maxTaskBytes) {
        if (maxTaskBytes < 1) {
            throw new IllegalArgumentException("maxTaskBytes must be positive but was " + maxTaskBytes);
        }
        this.maxTaskBytes = maxTaskBytes;
    }

    /** Tasks of at most {@code maxTaskBytes} of a plain object each. */
    public static TaskPlanner of(long maxTaskBytes) {
        return new TaskPlanner(maxTaskBytes);
    }

    /**
     * @param compressed whether an object is gzip (then it stays one task whatever its size)
     */
    public List<BatchTask> plan(String jobId, List<ObjectRef> objects, Predicate<ObjectRef> compressed) {
        return plan(jobId, objects, compressed, 0);
    }

    /** Like {@link #plan(String, List, Predicate)}, numbering tasks from {@code firstOrdinal} (a planning checkpoint). */
    public List<BatchTask> plan(String jobId, List<ObjectRef> objects, Predicate<ObjectRef> compressed,
                                int firstOrdinal) {
        List<BatchTask> tasks = new ArrayList<>();
        for (ObjectRef o : objects) {
            if (o.size() <= maxTaskBytes || compressed.test(o)) {
                tasks.add(new BatchTask(taskId(jobId, firstOrdinal + tasks.size()), o.bucket(), o.key(), o.versionId(),
                        o.etag(), 0, Long.MAX_VALUE));
                continue;
            }
            long ranges = (o.size() + maxTaskBytes - 1) / maxTaskBytes;
            long size = (o.size() + ranges - 1) / ranges; // even ranges, none tiny
            for (long start = 0; start < o.size(); start += size) {
                long end = start + size >= o.size() ? Long.MAX_VALUE : start + size; // the last one reads to the end
                tasks.add(new BatchTask(taskId(jobId, firstOrdinal + tasks.size()), o.bucket(), o.key(), o.versionId(),
                        o.etag(), start, end));
            }
        }
        return tasks;
    }

    /** Split ids must not contain {@code #} (the state store's key separator). */
    static String taskId(String jobId, int ordinal) {
        return String.format("%s-%05d", jobId, ordinal);
    }
}

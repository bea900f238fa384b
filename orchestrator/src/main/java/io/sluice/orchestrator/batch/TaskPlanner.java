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
 * <p>With {@link #withObjectsPerTask} above 1, consecutive whole objects of the listing share a task (read one after
 * the other as one split) while they number at most that many, their sizes add up to at most {@code maxTaskBytes}
 * and their names to at most {@value #MAX_NAME_BYTES} bytes (the task event and record stay far under Lambda's and
 * DynamoDB's limits); an object to be cut, or a missing one (size -1, which the task reports by name), ends the
 * group and is a task of its own.
 *
 * <p>Task ids are {@code <jobId>-<ordinal>} in manifest order, so the same job over the same manifest always has the
 * same plan.
 */
public final class TaskPlanner {

    /** Bytes of bucket, key, version and ETag names one task may carry. */
    static final int MAX_NAME_BYTES = 128 * 1024;

    private final long maxTaskBytes;
    private final int objectsPerTask;

    private TaskPlanner(long maxTaskBytes, int objectsPerTask) {
        if (maxTaskBytes < 1) {
            throw new IllegalArgumentException("maxTaskBytes must be positive but was " + maxTaskBytes);
        }
        if (objectsPerTask < 1) {
            throw new IllegalArgumentException("objectsPerTask must be positive but was " + objectsPerTask);
        }
        this.maxTaskBytes = maxTaskBytes;
        this.objectsPerTask = objectsPerTask;
    }

    /** Tasks of at most {@code maxTaskBytes} of a plain object each, one object per task. */
    public static TaskPlanner of(long maxTaskBytes) {
        return new TaskPlanner(maxTaskBytes, 1);
    }

    /** Up to {@code n} consecutive small whole objects per task. */
    public TaskPlanner withObjectsPerTask(int n) {
        return new TaskPlanner(maxTaskBytes, n);
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
        List<ObjectRef> group = new ArrayList<>();
        long groupBytes = 0;
        long groupNames = 0;
        for (ObjectRef o : objects) {
            boolean whole = o.size() <= maxTaskBytes || compressed.test(o);
            boolean joins = whole && o.size() >= 0 && group.size() < objectsPerTask
                    && groupBytes + o.size() <= maxTaskBytes && groupNames + nameBytes(o) <= MAX_NAME_BYTES;
            if (!joins) {
                flush(jobId, firstOrdinal, group, tasks);
                groupBytes = 0;
                groupNames = 0;
            }
            if (whole && o.size() >= 0 && objectsPerTask > 1) {
                group.add(o);
                groupBytes += o.size();
                groupNames += nameBytes(o);
                continue;
            }
            if (whole) {
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
        flush(jobId, firstOrdinal, group, tasks);
        return tasks;
    }

    /** The grouped objects as one task (the first object, then the others in order); empties the group. */
    private static void flush(String jobId, int firstOrdinal, List<ObjectRef> group, List<BatchTask> tasks) {
        if (group.isEmpty()) {
            return;
        }
        ObjectRef first = group.get(0);
        List<BatchTask.Part> more = group.subList(1, group.size()).stream()
                .map(o -> new BatchTask.Part(o.bucket(), o.key(), o.versionId(), o.etag())).toList(); // sizes: planning's
        tasks.add(new BatchTask(taskId(jobId, firstOrdinal + tasks.size()), first.bucket(), first.key(),
                first.versionId(), first.etag(), 0, Long.MAX_VALUE, more));
        group.clear();
    }

    /** Bytes an object adds to the task event and record: its names, plus some for the JSON and attribute names. */
    private static long nameBytes(ObjectRef o) {
        return 32L + utf8(o.bucket()) + utf8(o.key()) + utf8(o.versionId()) + utf8(o.etag());
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Split ids must not contain {@code #} (the state store's key separator). */
    static String taskId(String jobId, int ordinal) {
        return String.format("%s-%05d", jobId, ordinal);
    }
}

package io.sluice.state.coordination;

/**
 * The key space of the coordination table: the one place that defines and documents every partition-key family and
 * sort-key prefix, whoever writes the items (state store, operator, job store, shard scaler). Attribute names and the
 * key schema ({@code pk}, {@code sk}, {@code ttl}, all strings) are in {@link io.sluice.state.dynamodb.StateTables}.
 *
 * <pre>
 * pk                              sk                                  written by
 * &lt;pipeline&gt;#slots                sortable(end)#sortable(start)        state store: unfired slots, firing claims
 * &lt;pipeline&gt;#fired-slots          sortable(end)#sortable(start)        state store: tombstones of fired slots
 * &lt;pipeline&gt;#splits               &lt;split id&gt;                           state store: split watermark, fence, parents
 * &lt;pipeline&gt;#fired                -                                    state store: the published (fired) watermark
 * job:&lt;job id&gt;                    job | lease | task#&lt;task id&gt; | plan#&lt;first task id&gt; | fired#&lt;start&gt;-&lt;end&gt;   job store
 * jobs:open                       &lt;job id&gt;                             job store: the index of open jobs
 * scaler:&lt;stream&gt;                 history                              shard scaler: cooldowns, budget
 * load:&lt;stream&gt;#&lt;shard id&gt;        &lt;pipeline&gt;#&lt;minute, ISO-8601&gt;         operator: per-minute shard load
 * archive:&lt;pipeline&gt;               &lt;shard id&gt;                           operator: raw archive fence, pending keys
 * attempts:&lt;pipeline&gt;#&lt;shard id&gt;   &lt;first fence&gt;#&lt;last fence&gt;          operator: each attempt's range ({@link AttemptLog})
 * </pre>
 *
 * <p><b>Why no two families can meet.</b> Names (pipelines, job ids, streams) may contain neither {@code #} nor
 * {@code :}; every builder here refuses one that does ({@link #requireName}). A pipeline key is then
 * {@code name#suffix} with no {@code :} in it, while every other family starts with a fixed tag and {@code :}; and
 * within each family the first separator ends the name. So a pipeline named {@code job} ({@code job#slots}) and a job
 * with id {@code slots} ({@code job:slots}) are different partitions, whatever the names.
 *
 * <p>The state table (partials) is a separate table: {@code pk} = {@code <pipeline>#<slot id>#<write shard>},
 * {@code sk} = {@code <split>#<bucket>}, built in {@code io.sluice.state.dynamodb.Keys}.
 */
public final class CoordinationKeys {

    /** Separator between a pipeline name and the kind of its items; names never contain it. */
    public static final char PIPELINE_SEPARATOR = '#';
    /** Separator after the tag of every family that is not a pipeline's; names never contain it. */
    public static final char FAMILY_SEPARATOR = ':';

    /** Sort key of a job's record in its partition. */
    public static final String JOB_SK = "job";
    /** Sort key of a job's coordinator lease. */
    public static final String LEASE_SK = "lease";
    /** Sort-key prefix of a job's tasks: {@code task#<task id>}. */
    public static final String TASK_SK_PREFIX = "task#";
    /** Sort-key prefix of a job's plan chunks: {@code plan#<first task id>}. */
    public static final String PLAN_SK_PREFIX = "plan#";
    /** Sort-key prefix of the windows a job's final firing wrote: {@code fired#<start>-<end>}. */
    public static final String FIRED_SK_PREFIX = "fired#";
    /** Partition of the index of open jobs (sort key: the job id), which the scheduled sweep reads. */
    public static final String OPEN_JOBS_PK = "jobs" + FAMILY_SEPARATOR + "open";
    /** Sort key of a stream's scaling history. */
    public static final String SCALER_HISTORY_SK = "history";
    /** Sort key of the published watermark item of a pipeline. */
    public static final String FIRED_WATERMARK_SK = "-";

    private CoordinationKeys() {
    }

    /** Unfired slots and firing claims of {@code pipeline}. */
    public static String slotsPk(String pipeline) {
        return pipelinePk(pipeline, "slots");
    }

    /** Tombstones of fired slots of {@code pipeline}. */
    public static String firedSlotsPk(String pipeline) {
        return pipelinePk(pipeline, "fired-slots");
    }

    /** Splits (shards, tasks) of {@code pipeline}. */
    public static String splitsPk(String pipeline) {
        return pipelinePk(pipeline, "splits");
    }

    /** The published watermark of {@code pipeline}. */
    public static String firedPk(String pipeline) {
        return pipelinePk(pipeline, "fired");
    }

    /** A job's record, lease, tasks and fired windows. */
    public static String jobPk(String jobId) {
        return "job" + FAMILY_SEPARATOR + requireName("job id", jobId);
    }

    /** A stream's scaling history. */
    public static String scalerPk(String stream) {
        return "scaler" + FAMILY_SEPARATOR + requireName("stream", stream);
    }

    /** The per-minute load of one shard of {@code stream}. */
    public static String loadPk(String stream, String shardId) {
        return "load" + FAMILY_SEPARATOR + requireName("stream", stream) + PIPELINE_SEPARATOR
                + requireName("shard id", shardId);
    }

    /** The raw archive's per-shard fences of {@code pipeline} (no TTL: a fence must outlive any retry). */
    public static String archivePk(String pipeline) {
        return "archive" + FAMILY_SEPARATOR + requireName("pipeline", pipeline);
    }

    /** The attempt ranges of one shard of {@code pipeline} ({@link DynamoDbAttemptLog}). */
    public static String attemptsPk(String pipeline, String shardId) {
        return "attempts" + FAMILY_SEPARATOR + requireName("pipeline", pipeline) + PIPELINE_SEPARATOR
                + requireName("shard id", shardId);
    }

    /** The shard id of a {@link #loadPk}. */
    public static String shardOfLoadPk(String pk) {
        return pk.substring(pk.lastIndexOf(PIPELINE_SEPARATOR) + 1);
    }

    /** The sort key of one pipeline's load in one minute of a shard. */
    public static String loadSk(String pipeline, String minute) {
        return requireName("pipeline", pipeline) + PIPELINE_SEPARATOR + minute;
    }

    /**
     * Returns {@code name} if it can be part of a key.
     *
     * @throws IllegalArgumentException if it is null, empty, or contains {@code #} or {@code :}
     */
    public static String requireName(String what, String name) {
        if (name == null || name.isEmpty() || name.indexOf(PIPELINE_SEPARATOR) >= 0
                || name.indexOf(FAMILY_SEPARATOR) >= 0) {
            throw new IllegalArgumentException(what + " must be non-empty and contain neither '"
                    + PIPELINE_SEPARATOR + "' nor '" + FAMILY_SEPARATOR + "' (it is part of a coordination key): ["
                    + name + "]");
        }
        return name;
    }

    private static String pipelinePk(String pipeline, String kind) {
        return requireName("pipeline", pipeline) + PIPELINE_SEPARATOR + kind;
    }
}

package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import io.sluice.state.coordination.CoordinationKeys;
import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link JobStore} in the coordination table (key schema of {@link StateTables}), next to the splits of the same
 * tasks: {@code pk} = {@code job:<jobId>} (every key here comes from {@link CoordinationKeys}); the job record has {@code sk} = {@code job}, each task
 * {@code sk} = {@code task#<taskId>} with bucket {@code b}, key {@code k}, version {@code v}, range {@code rs} /
 * {@code re}, status {@code st}, attempts {@code a}, reason {@code r}, counts {@code n} / {@code rj} / {@code lt}, start of
 * the last attempt {@code sa}; the coordinator's lease has {@code sk} = {@code lease}, owner {@code o}, lease until
 * {@code lu} (epoch ms), written with a condition so only one coordinator runs a job at a time; every other write
 * carries the writer's lease epoch {@code ep} (when it took the lease; a later coordinator has a later one) under the
 * condition {@code attribute_not_exists(ep) OR ep <= :ep}: a fencing token, so a coordinator that lost its lease can
 * never overwrite what a later coordinator wrote (and its own {@code Heartbeat} stops it at its next step). Plan chunks
 * are written with BatchWriteItem (no conditions) and become part of the plan only through the fenced checkpoint of
 * the job record that follows them. The job record also holds its state {@code js}, fingerprint {@code fp}, request
 * {@code rq},
 * planning checkpoint {@code lh} / {@code pr}, duplicates {@code du}, refusal {@code rf}; each window the final
 * firing wrote has {@code sk} = {@code fired#<start>-<end>} with rows {@code rw}; open jobs are indexed under
 * {@code pk} = {@code jobs:open}, {@code sk} = the job id, for the scheduled sweep.
 * Every item carries the table's TTL (now + retention), like the state store's. Reads are strongly consistent.
 *
 * <pre>{@code
 * JobStore jobs = new DynamoDbJobStore(dynamo, "sluice-dev-coordination", Duration.ofDays(7), Clock.systemUTC());
 * }</pre>
 */
public final class DynamoDbJobStore implements JobStore {

    private static final String PK = StateTables.PK;
    private static final String SK = StateTables.SK;
    private static final String JOB_SK = CoordinationKeys.JOB_SK;
    private static final String TASK_SK = CoordinationKeys.TASK_SK_PREFIX;
    private static final String LEASE_SK = CoordinationKeys.LEASE_SK;
    private static final String FIRED_SK = CoordinationKeys.FIRED_SK_PREFIX;
    /** Partition of the index of open jobs, which the scheduled sweep reads. */
    private static final String OPEN_PK = CoordinationKeys.OPEN_JOBS_PK;
    private static final int BATCH_WRITE_ITEMS = 25;

    private final DynamoDbClient dynamo;
    private final String table;
    private final long retentionSeconds;
    private final Clock clock;
    /** Epoch (the time of the first successful claim) of each lease this store took, by job and owner. */
    private final Map<String, Long> epochs = new java.util.concurrent.ConcurrentHashMap<>();

    public DynamoDbJobStore(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retentionSeconds = retention.toSeconds();
        this.clock = clock;
    }

    @Override
    public Optional<JobRecord> readJob(String jobId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(PK, s(pk(jobId)), SK, s(JOB_SK)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        List<String> duplicates = item.containsKey("du")
                ? item.get("du").l().stream().map(AttributeValue::s).toList() : List.of();
        return Optional.of(new JobRecord(jobId, item.get("pl").s(), JobRecord.State.valueOf(str(item, "js")),
                str(item, "fp"), str(item, "rq"), (int) n(item, "nt"), n(item, "ca"), n(item, "fa"), n(item, "wm"),
                n(item, "wf"), n(item, "ro"), str(item, "lh"), n(item, "pr"), duplicates, str(item, "rf"),
                item.containsKey("pa") && Boolean.TRUE.equals(item.get("pa").bool())));
    }

    @Override
    public boolean createJob(JobRecord job, String owner) {
        Map<String, AttributeValue> item = fenced(job.jobId(), owner, jobItem(job));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(" + PK + ")"));
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
        dynamo.putItem(b -> b.tableName(table).item(openItem(job.jobId())));
        return true;
    }

    @Override
    public void putJob(JobRecord job, String owner) {
        putFenced(job.jobId(), owner, jobItem(job));
        boolean open = job.state() == JobRecord.State.PLANNING || job.state() == JobRecord.State.RUNNING;
        if (open) {
            dynamo.putItem(b -> b.tableName(table).item(openItem(job.jobId())));
        } else {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(PK, s(OPEN_PK), SK, s(job.jobId()))));
        }
    }

    private Map<String, AttributeValue> jobItem(JobRecord job) {
        Map<String, AttributeValue> item = keyed(job.jobId(), JOB_SK);
        item.put("pl", s(job.pipeline()));
        item.put("js", s(job.state().name()));
        item.put("fp", s(job.fingerprint()));
        item.put("rq", s(job.request()));
        item.put("nt", n(job.tasks()));
        item.put("ca", n(job.createdMillis()));
        item.put("fa", n(job.finishedMillis()));
        item.put("wm", n(job.watermark()));
        item.put("wf", n(job.windowsFired()));
        item.put("ro", n(job.rowsOut()));
        item.put("lh", s(job.listingHash()));
        item.put("pr", n(job.plannedRows()));
        item.put("du", AttributeValue.fromL(job.duplicates().stream().map(DynamoDbJobStore::s).toList()));
        item.put("rf", s(job.refusal()));
        item.put("pa", AttributeValue.fromBool(job.partial()));
        return item;
    }

    private Map<String, AttributeValue> openItem(String jobId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(OPEN_PK));
        item.put(SK, s(jobId));
        item.put(StateTables.TTL, n(clock.millis() / 1000 + retentionSeconds));
        return item;
    }

    /**
     * One task: a write fenced by the coordinator's epoch. A whole plan chunk: BatchWriteItem, 25 items per call
     * (unprocessed items sent again), each item carrying the epoch; the chunk is made part of the plan only by the
     * fenced checkpoint write of the job record that follows it.
     */
    @Override
    public void putTasks(String jobId, List<TaskRecord> tasks, String owner) {
        if (tasks.size() == 1) {
            putFenced(jobId, owner, item(jobId, tasks.get(0)));
            return;
        }
        List<WriteRequest> writes = new ArrayList<>();
        for (TaskRecord t : tasks) {
            Map<String, AttributeValue> item = fenced(jobId, owner, item(jobId, t));
            writes.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
        }
        batchWrite(writes);
    }

    @Override
    public void deleteTasks(String jobId, String owner) {
        epoch(jobId, owner);
        List<WriteRequest> deletes = new ArrayList<>();
        for (Map<String, AttributeValue> key : keys(jobId, TASK_SK)) {
            deletes.add(WriteRequest.builder().deleteRequest(d -> d.key(key)).build());
        }
        batchWrite(deletes);
    }

    @Override
    public void putFired(String jobId, String window, long rows, String owner) {
        Map<String, AttributeValue> item = keyed(jobId, FIRED_SK + window);
        item.put("rw", n(rows));
        putFenced(jobId, owner, item);
    }

    @Override
    public Map<String, Long> fired(String jobId) {
        Map<String, Long> out = new TreeMap<>();
        query(pk(jobId), FIRED_SK, item -> out.put(item.get(SK).s().substring(FIRED_SK.length()), n(item, "rw")));
        return out;
    }

    @Override
    public List<String> openJobs() {
        List<String> out = new ArrayList<>();
        query(OPEN_PK, "", item -> out.add(item.get(SK).s()));
        return out;
    }

    /**
     * Writes {@code item} unless a coordinator with a later epoch wrote it: the fencing token of the lease, checked
     * by DynamoDB with the write.
     *
     * @throws LeaseLostException if this owner never claimed the job here, or a later coordinator wrote the item
     */
    private void putFenced(String jobId, String owner, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> fenced = fenced(jobId, owner, item);
        try {
            dynamo.putItem(b -> b.tableName(table).item(fenced)
                    .conditionExpression("attribute_not_exists(ep) OR ep <= :ep")
                    .expressionAttributeValues(Map.of(":ep", fenced.get("ep"))));
        } catch (ConditionalCheckFailedException later) {
            throw new LeaseLostException(jobId, owner);
        }
    }

    private Map<String, AttributeValue> fenced(String jobId, String owner, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> copy = new HashMap<>(item);
        copy.put("ep", n(epoch(jobId, owner)));
        return copy;
    }

    /** The epoch of {@code owner}'s lease of {@code jobId}: when it took the lease (epochs only grow). */
    private long epoch(String jobId, String owner) {
        Long epoch = epochs.get(jobId + "\n" + owner);
        if (epoch == null) {
            throw new LeaseLostException(jobId, owner);
        }
        return epoch;
    }

    private void batchWrite(List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += BATCH_WRITE_ITEMS) {
            Map<String, List<WriteRequest>> pending = Map.of(table,
                    writes.subList(from, Math.min(writes.size(), from + BATCH_WRITE_ITEMS)));
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    pause(attempt);
                }
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(2_000, 25L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a job plan", e);
        }
    }

    private List<Map<String, AttributeValue>> keys(String jobId, String prefix) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        query(pk(jobId), prefix, item -> out.add(Map.of(PK, item.get(PK), SK, item.get(SK))));
        return out;
    }

    private void query(String pk, String prefix, java.util.function.Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from)
                    .keyConditionExpression(PK + " = :pk" + (prefix.isEmpty() ? "" : " AND begins_with(" + SK
                            + ", :prefix)"))
                    .expressionAttributeValues(prefix.isEmpty() ? Map.of(":pk", s(pk))
                            : Map.of(":pk", s(pk), ":prefix", s(prefix))));
            page.items().forEach(each);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private Map<String, AttributeValue> item(String jobId, TaskRecord t) {
        Map<String, AttributeValue> item = keyed(jobId, TASK_SK + t.taskId());
        BatchTask task = t.task();
        item.put("b", s(task.bucket()));
        item.put("k", s(task.key()));
        if (task.versionId() != null) {
            item.put("v", s(task.versionId()));
        }
        item.put("rs", n(task.rangeStart()));
        item.put("re", n(task.rangeEnd()));
        item.put("st", s(t.status().name()));
        item.put("a", n(t.attempts()));
        item.put("r", s(t.reason()));
        item.put("n", n(t.lines()));
        item.put("rj", n(t.rejected()));
        item.put("lt", n(t.late()));
        item.put("sa", n(t.startedMillis()));
        item.put("ap", n(t.applied()));
        if (task.etag() != null) {
            item.put("e", s(task.etag()));
        }
        return item;
    }

    @Override
    public List<TaskRecord> tasks(String jobId) {
        List<TaskRecord> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).consistentRead(true).exclusiveStartKey(from)
                    .keyConditionExpression(PK + " = :pk AND begins_with(" + SK + ", :task)")
                    .expressionAttributeValues(Map.of(":pk", s(pk(jobId)), ":task", s(TASK_SK))));
            for (Map<String, AttributeValue> item : page.items()) {
                BatchTask task = new BatchTask(item.get(SK).s().substring(TASK_SK.length()), item.get("b").s(),
                        item.get("k").s(), item.containsKey("v") ? item.get("v").s() : null,
                        item.containsKey("e") ? item.get("e").s() : null, n(item, "rs"), n(item, "re"));
                out.add(new TaskRecord(task, TaskRecord.Status.valueOf(item.get("st").s()), (int) n(item, "a"),
                        item.get("r").s(), n(item, "n"), n(item, "rj"), n(item, "lt"), n(item, "sa"), n(item, "ap")));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public boolean claim(String jobId, String owner, long nowMillis, long leaseMillis) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(PK, s(pk(jobId)), SK, s(LEASE_SK)))
                    .updateExpression("SET o = :owner, lu = :until, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(o) OR o = :owner OR lu <= :now")
                    .expressionAttributeNames(Map.of("#ttl", StateTables.TTL))
                    .expressionAttributeValues(Map.of(":owner", s(owner), ":until", n(nowMillis + leaseMillis),
                            ":now", n(nowMillis), ":ttl", n(clock.millis() / 1000 + retentionSeconds))));
            epochs.putIfAbsent(jobId + "\n" + owner, nowMillis);
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        }
    }

    @Override
    public void release(String jobId, String owner) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(PK, s(pk(jobId)), SK, s(LEASE_SK)))
                    .conditionExpression("o = :owner").expressionAttributeValues(Map.of(":owner", s(owner))));
        } catch (ConditionalCheckFailedException notHeld) {
            // Releasing a lease one does not hold is a no-op by contract.
        }
    }

    private Map<String, AttributeValue> keyed(String jobId, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk(jobId)));
        item.put(SK, s(sk));
        item.put(StateTables.TTL, n(clock.millis() / 1000 + retentionSeconds));
        return item;
    }

    private static String pk(String jobId) {
        return CoordinationKeys.jobPk(jobId);
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }
}

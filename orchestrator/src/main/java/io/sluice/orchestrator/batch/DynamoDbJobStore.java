package io.sluice.orchestrator.batch;

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

/**
 * A {@link JobStore} in the coordination table (key schema of {@link StateTables}), next to the splits of the same
 * tasks: {@code pk} = {@code job#<jobId>}; the job record has {@code sk} = {@code job}, each task
 * {@code sk} = {@code task#<taskId>} with bucket {@code b}, key {@code k}, version {@code v}, range {@code rs} /
 * {@code re}, status {@code st}, attempts {@code a}, reason {@code r}, counts {@code n} / {@code rj} / {@code lt}, start of
 * the last attempt {@code sa}; the coordinator's lease has {@code sk} = {@code lease}, owner {@code o}, lease until
 * {@code lu} (epoch ms), written with a condition so only one coordinator runs a job at a time.
 * Every item carries the table's TTL (now + retention), like the state store's. Reads are strongly consistent.
 *
 * <pre>{@code
 * JobStore jobs = new DynamoDbJobStore(dynamo, "sluice-dev-coordination", Duration.ofDays(7), Clock.systemUTC());
 * }</pre>
 */
public final class DynamoDbJobStore implements JobStore {

    private static final String PK = StateTables.PK;
    private static final String SK = StateTables.SK;
    private static final String JOB_SK = "job";
    private static final String TASK_SK = "task#";
    private static final String LEASE_SK = "lease";
    private static final int BATCH_WRITE_ITEMS = 25;

    private final DynamoDbClient dynamo;
    private final String table;
    private final long retentionSeconds;
    private final Clock clock;

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
        return Optional.of(new JobRecord(jobId, item.get("pl").s(), Boolean.TRUE.equals(item.get("c").bool()),
                (int) n(item, "nt"), n(item, "ca"), n(item, "fa"), n(item, "wm"), n(item, "wf"), n(item, "ro")));
    }

    @Override
    public void putJob(JobRecord job) {
        Map<String, AttributeValue> item = keyed(job.jobId(), JOB_SK);
        item.put("pl", s(job.pipeline()));
        item.put("c", AttributeValue.fromBool(job.completed()));
        item.put("nt", n(job.tasks()));
        item.put("ca", n(job.createdMillis()));
        item.put("fa", n(job.finishedMillis()));
        item.put("wm", n(job.watermark()));
        item.put("wf", n(job.windowsFired()));
        item.put("ro", n(job.rowsOut()));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public void putTasks(String jobId, List<TaskRecord> tasks) {
        if (tasks.size() == 1) {
            Map<String, AttributeValue> item = item(jobId, tasks.get(0));
            dynamo.putItem(b -> b.tableName(table).item(item));
            return;
        }
        // A whole plan: BatchWriteItem, 25 items per call, unprocessed items sent again after a pause.
        for (int from = 0; from < tasks.size(); from += BATCH_WRITE_ITEMS) {
            List<WriteRequest> writes = new ArrayList<>();
            for (TaskRecord t : tasks.subList(from, Math.min(tasks.size(), from + BATCH_WRITE_ITEMS))) {
                writes.add(WriteRequest.builder().putRequest(p -> p.item(item(jobId, t))).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
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
        return item;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(2_000, 25L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a job plan", e);
        }
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
                        item.get("k").s(), item.containsKey("v") ? item.get("v").s() : null, n(item, "rs"),
                        n(item, "re"));
                out.add(new TaskRecord(task, TaskRecord.Status.valueOf(item.get("st").s()), (int) n(item, "a"),
                        item.get("r").s(), n(item, "n"), n(item, "rj"), n(item, "lt"), n(item, "sa")));
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
        return "job#" + jobId;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }
}

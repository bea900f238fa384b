package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.state.coordination.BatchTask;
import io.sluice.state.coordination.CoordinationKeys;
import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

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
 * {@code lu} (epoch ms) and epoch {@code ep}, a counter that every take-over of the lease raises by one. Every write
 * of a coordinator (task records, the job record, fired windows) is a transaction that checks the lease item still
 * holds its owner and the epoch it took ({@code o = :owner AND ep = :ep}): a coordinator whose lease was taken over
 * cannot write anything, whatever its clock says. The plan is stored compactly: each planning checkpoint's tasks
 * many to an item ({@code sk} = {@code plan#<first task id>}, {@code pt} = a JSON array of the tasks in their event
 * form, {@link BatchTask#toEventTask}), and a task gets its own {@code task#} item only once it starts; the more
 * objects of a grouped task are one JSON string {@code mo} too. One string rather than nested lists and maps: moto
 * deep-copies a table for every item of a transaction, and 100,000 nested maps made each write take minutes.
 * The job record also holds its state {@code js}, fingerprint {@code fp}, request
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

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PK = StateTables.PK;
    private static final String SK = StateTables.SK;
    private static final String JOB_SK = CoordinationKeys.JOB_SK;
    private static final String TASK_SK = CoordinationKeys.TASK_SK_PREFIX;
    private static final String LEASE_SK = CoordinationKeys.LEASE_SK;
    private static final String FIRED_SK = CoordinationKeys.FIRED_SK_PREFIX;
    private static final String PLAN_SK = CoordinationKeys.PLAN_SK_PREFIX;
    /** Bytes of planned tasks per plan item (DynamoDB items hold 400 KB). */
    private static final long PLAN_ITEM_BYTES = 256 * 1024;
    /** Partition of the index of open jobs, which the scheduled sweep reads. */
    private static final String OPEN_PK = CoordinationKeys.OPEN_JOBS_PK;
    /** Writes per transaction, next to the lease check (DynamoDB takes 100 actions per transaction). */
    private static final int TRANSACTION_ITEMS = 99;
    /** Bytes per transaction, well under DynamoDB's 4 MB (grouped tasks carry up to ~130 KB of object names). */
    private static final long TRANSACTION_BYTES = 2L << 20;
    private static final int MAX_CONFLICT_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final long retentionSeconds;
    private final Clock clock;
    /** The lease epoch each owner took through this store, by job and owner. */
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
        Map<String, AttributeValue> item = jobItem(job);
        try {
            writeUnderLease(job.jobId(), owner, List.of(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                            .conditionExpression("attribute_not_exists(" + PK + ")")).build(),
                    put(openItem(job.jobId()))));
        } catch (TransactionCanceledException e) {
            if (reason(e, 1).equals("ConditionalCheckFailed")) {
                return false; // the id is taken (the lease check passed: writeUnderLease throws otherwise)
            }
            throw e;
        }
        return true;
    }

    @Override
    public void putJob(JobRecord job, String owner) {
        boolean open = job.state() == JobRecord.State.PLANNING || job.state() == JobRecord.State.RUNNING;
        Map<String, AttributeValue> openKey = Map.of(PK, s(OPEN_PK), SK, s(job.jobId()));
        writeUnderLease(job.jobId(), owner, List.of(put(jobItem(job)), open ? put(openItem(job.jobId()))
                : TransactWriteItem.builder().delete(d -> d.tableName(table).key(openKey)).build()));
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

    /** Chunks of at most {@value #TRANSACTION_ITEMS} task records, each written with the lease check. */
    @Override
    public void putTasks(String jobId, List<TaskRecord> tasks, String owner) {
        List<TransactWriteItem> writes = new ArrayList<>();
        for (TaskRecord t : tasks) {
            writes.add(put(item(jobId, t)));
        }
        writeUnderLease(jobId, owner, writes);
    }

    /**
     * The checkpoint's tasks many to an item ({@code sk} = {@code plan#<first task id>}, tasks {@code pt}, each
     * item at most {@value #PLAN_ITEM_BYTES} bytes): a plan of 100,000 tasks is a few hundred items, written and read
     * back in few requests, instead of 100,000.
     */
    @Override
    public void putPlan(String jobId, List<TaskRecord> planned, String owner) {
        List<TransactWriteItem> writes = new ArrayList<>();
        ArrayNode entries = JSON.createArrayNode();
        String first = null;
        long bytes = 0;
        for (TaskRecord t : planned) {
            if (t.status() != TaskRecord.Status.PENDING || t.attempts() != 0) {
                throw new IllegalArgumentException("a plan holds tasks as planned, not " + t);
            }
            ObjectNode entry = t.task().toEventTask(JSON.createObjectNode());
            long size = entry.toString().length();
            if (!entries.isEmpty() && bytes + size > PLAN_ITEM_BYTES) {
                writes.add(put(planItem(jobId, first, entries)));
                entries = JSON.createArrayNode();
                bytes = 0;
            }
            first = entries.isEmpty() ? t.taskId() : first;
            entries.add(entry);
            bytes += size;
        }
        if (!entries.isEmpty()) {
            writes.add(put(planItem(jobId, first, entries)));
        }
        writeUnderLease(jobId, owner, writes);
    }

    private Map<String, AttributeValue> planItem(String jobId, String firstTask, ArrayNode entries) {
        Map<String, AttributeValue> item = keyed(jobId, PLAN_SK + firstTask);
        item.put("pt", s(entries.toString()));
        return item;
    }

    @Override
    public void deleteTasks(String jobId, String owner) {
        List<TransactWriteItem> deletes = new ArrayList<>();
        for (String prefix : List.of(PLAN_SK, TASK_SK)) {
            for (Map<String, AttributeValue> key : keys(jobId, prefix)) {
                deletes.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(key)).build());
            }
        }
        writeUnderLease(jobId, owner, deletes);
    }

    @Override
    public void putFired(String jobId, String window, long rows, String owner) {
        Map<String, AttributeValue> item = keyed(jobId, FIRED_SK + window);
        item.put("rw", n(rows));
        writeUnderLease(jobId, owner, List.of(put(item)));
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
     * Writes {@code writes} in transactions of at most {@value #TRANSACTION_ITEMS}, each with a check that the lease
     * item still names {@code owner} at the epoch it took: the lease is checked by DynamoDB atomically with every
     * write, so a coordinator whose lease was taken over (a later epoch) writes nothing, whatever its own clock or
     * heartbeat believe. A transaction that met another one (the heartbeat's renewal of the same lease item) is tried
     * again.
     *
     * @throws LeaseLostException           if {@code owner} never took the lease here, or another coordinator has
     *                                      taken it since
     * @throws TransactionCanceledException if a condition of one of {@code writes} failed
     */
    private void writeUnderLease(String jobId, String owner, List<TransactWriteItem> writes) {
        long epoch = epoch(jobId, owner);
        TransactWriteItem check = TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(Map.of(PK, s(pk(jobId)), SK, s(LEASE_SK)))
                .conditionExpression("o = :owner AND ep = :ep")
                .expressionAttributeValues(Map.of(":owner", s(owner), ":ep", n(epoch)))).build();
        for (int from = 0; from < writes.size(); ) {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(check);
            long bytes = 0;
            while (from < writes.size() && items.size() <= TRANSACTION_ITEMS
                    && (items.size() == 1 || bytes + bytes(writes.get(from)) <= TRANSACTION_BYTES)) {
                bytes += bytes(writes.get(from));
                items.add(writes.get(from++));
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    dynamo.transactWriteItems(b -> b.transactItems(items));
                    break;
                } catch (TransactionCanceledException e) {
                    if (reason(e, 0).equals("ConditionalCheckFailed")) {
                        throw new LeaseLostException(jobId, owner);
                    }
                    boolean conflict = e.hasCancellationReasons() && e.cancellationReasons().stream()
                            .anyMatch(r -> "TransactionConflict".equals(r.code()));
                    if (!conflict || attempt >= MAX_CONFLICT_ATTEMPTS) {
                        throw e;
                    }
                    pause(attempt);
                }
            }
        }
    }

    /** About the size of a written item: names and values (DynamoDB counts them alike). */
    private static long bytes(TransactWriteItem write) {
        if (write.put() == null) {
            return 100;
        }
        long total = 0;
        for (Map.Entry<String, AttributeValue> e : write.put().item().entrySet()) {
            total += e.getKey().length() + bytes(e.getValue());
        }
        return total;
    }

    private static long bytes(AttributeValue v) {
        if (v.hasL()) {
            return 3 + v.l().stream().mapToLong(DynamoDbJobStore::bytes).sum();
        }
        if (v.hasM()) {
            return 3 + v.m().entrySet().stream().mapToLong(e -> e.getKey().length() + bytes(e.getValue())).sum();
        }
        return 1 + (v.s() != null ? v.s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                : v.n() != null ? v.n().length() : 1);
    }

    private static String reason(TransactionCanceledException e, int item) {
        return e.hasCancellationReasons() && e.cancellationReasons().size() > item
                && e.cancellationReasons().get(item).code() != null ? e.cancellationReasons().get(item).code() : "";
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build();
    }

    /** The epoch at which {@code owner} took the lease of {@code jobId} through this store. */
    private long epoch(String jobId, String owner) {
        Long epoch = epochs.get(jobId + "\n" + owner);
        if (epoch == null) {
            throw new LeaseLostException(jobId, owner);
        }
        return epoch;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(2_000, 25L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a job's records", e);
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
        item.putAll(taskAttributes(t.task()));
        item.put("st", s(t.status().name()));
        item.put("a", n(t.attempts()));
        item.put("r", s(t.reason()));
        item.put("n", n(t.lines()));
        item.put("rj", n(t.rejected()));
        item.put("lt", n(t.late()));
        item.put("sa", n(t.startedMillis()));
        item.put("ap", n(t.applied()));
        return item;
    }

    /** What a task reads: bucket, key, version, ETag, range and more objects. */
    private static Map<String, AttributeValue> taskAttributes(BatchTask task) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("b", s(task.bucket()));
        item.put("k", s(task.key()));
        if (task.versionId() != null) {
            item.put("v", s(task.versionId()));
        }
        item.put("rs", n(task.rangeStart()));
        item.put("re", n(task.rangeEnd()));
        if (task.etag() != null) {
            item.put("e", s(task.etag()));
        }
        if (!task.more().isEmpty()) {
            item.put("mo", s(task.toEventTask(JSON.createObjectNode()).get("more").toString()));
        }
        return item;
    }

    /** The planned tasks, each replaced by its own record once it has one (it started, or was given up). */
    @Override
    public List<TaskRecord> tasks(String jobId) {
        Map<String, TaskRecord> byId = new TreeMap<>();
        query(pk(jobId), PLAN_SK, item -> {
            for (JsonNode entry : json(item.get("pt").s())) {
                BatchTask task = BatchTask.fromEventTask(entry);
                byId.put(task.taskId(), TaskRecord.planned(task));
            }
        });
        query(pk(jobId), TASK_SK, item -> {
            BatchTask task = task(item.get(SK).s().substring(TASK_SK.length()), item);
            byId.put(task.taskId(), new TaskRecord(task, TaskRecord.Status.valueOf(item.get("st").s()),
                    (int) n(item, "a"), item.get("r").s(), n(item, "n"), n(item, "rj"), n(item, "lt"), n(item, "sa"),
                    n(item, "ap")));
        });
        return new ArrayList<>(byId.values());
    }

    private static BatchTask task(String taskId, Map<String, AttributeValue> item) {
        return new BatchTask(taskId, item.get("b").s(), item.get("k").s(),
                item.containsKey("v") ? item.get("v").s() : null, item.containsKey("e") ? item.get("e").s() : null,
                n(item, "rs"), n(item, "re"),
                item.containsKey("mo") ? BatchTask.more(json(item.get("mo").s()), item.get("b").s()) : List.of());
    }

    /**
     * Renews {@code owner}'s lease, or takes a free or lapsed one: a take-over adds one to the lease's epoch {@code ep},
     * and the epoch taken is the one every later write of {@code owner} is checked against. An owner's epoch is kept
     * from its first take-over: an owner that lost the lease and takes it again later still cannot write (its view of
     * the job is stale).
     */
    @Override
    public boolean claim(String jobId, String owner, long nowMillis, long leaseMillis) {
        Map<String, AttributeValue> key = Map.of(PK, s(pk(jobId)), SK, s(LEASE_SK));
        AttributeValue ttl = n(clock.millis() / 1000 + retentionSeconds);
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET lu = :until, #ttl = :ttl")
                    .conditionExpression("o = :owner")
                    .expressionAttributeNames(Map.of("#ttl", StateTables.TTL))
                    .expressionAttributeValues(Map.of(":owner", s(owner), ":until", n(nowMillis + leaseMillis),
                            ":ttl", ttl)));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            // Held by another owner, released or never taken: take it over if it is free.
        }
        try {
            UpdateItemResponse taken = dynamo.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET o = :owner, lu = :until, #ttl = :ttl ADD ep :one")
                    .conditionExpression("attribute_not_exists(o) OR lu <= :now")
                    .expressionAttributeNames(Map.of("#ttl", StateTables.TTL))
                    .expressionAttributeValues(Map.of(":owner", s(owner), ":until", n(nowMillis + leaseMillis),
                            ":now", n(nowMillis), ":ttl", ttl, ":one", n(1)))
                    .returnValues(ReturnValue.UPDATED_NEW));
            epochs.putIfAbsent(jobId + "\n" + owner, Long.parseLong(taken.attributes().get("ep").n()));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        }
    }

    /** Frees the lease (its epoch stays, so the next take-over gets a later one). */
    @Override
    public void release(String jobId, String owner) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(PK, s(pk(jobId)), SK, s(LEASE_SK)))
                    .updateExpression("REMOVE o SET lu = :zero")
                    .conditionExpression("o = :owner")
                    .expressionAttributeValues(Map.of(":owner", s(owner), ":zero", n(0))));
            epochs.remove(jobId + "\n" + owner); // released: this owner writes no more
        } catch (ConditionalCheckFailedException notHeld) {
            // Releasing a lease one does not hold is a no-op by contract.
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable plan in the job store: " + e.getMessage(), e);
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

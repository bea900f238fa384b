package io.sluice.state.coordination;

import io.sluice.state.Fence;
import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link AttemptLog} in the coordination table ({@link CoordinationKeys#attemptsPk}), one item per logged attempt:
 * <pre>
 * sk = &lt;logged at, epoch ms, 13 digits&gt;#&lt;first&gt;#&lt;last&gt;   (encoded fences)    a = applied fence before it   ttl
 * sk = !since                                   a = the split's attempt fence before the first entry   ttl
 * </pre>
 * One put of about 400 bytes (1 write unit) per attempt, sent while the attempt reads the published watermark (no
 * round trip of its own), plus one conditional put per shard and instance for the
 * {@code !since} item. Entries are kept {@code keep}, longer than the stream keeps records: every attempt on a record
 * the stream still holds is still logged. The replay reads a shard's entries since a range's arrival with a strongly
 * consistent query (it runs rarely, by hand or after an alarm).
 *
 * <pre>{@code
 * AttemptLog log = new DynamoDbAttemptLog(dynamo, "sluice-dev-coordination", DynamoDbAttemptLog.DEFAULT_KEEP, Clock.systemUTC());
 * }</pre>
 */
public final class DynamoDbAttemptLog implements AttemptLog {

    /**
     * Eight days: longer than the template's 24-hour stream retention and a week-long one. A stream kept longer
     * needs a longer {@code keep}: a range older than the log reads as undetermined, never as not applied.
     */
    public static final Duration DEFAULT_KEEP = Duration.ofDays(8);
    /** The {@code !since} item outlives any stream retention (365 days at most). */
    private static final Duration SINCE_KEEP = Duration.ofDays(400);
    private static final String SINCE_SK = "!since";
    private static final String AFTER = "a";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration keep;
    private final Clock clock;
    /** Splits whose {@code !since} item this instance knows to exist. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** One daemon thread for {@link #recordAsync}, gone when idle (a frozen Lambda keeps none). */
    private final ThreadPoolExecutor calls = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "sluice-attempt-log");
                t.setDaemon(true);
                return t;
            });

    public DynamoDbAttemptLog(DynamoDbClient dynamo, String table, Duration keep, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.keep = Objects.requireNonNull(keep, "keep");
        this.clock = Objects.requireNonNull(clock, "clock");
        calls.allowCoreThreadTimeOut(true);
    }

    /** The put goes out while the attempt reads the published watermark: no round trip of its own. */
    @Override
    public CompletableFuture<Void> recordAsync(String pipeline, String split, Range range,
                                               Fence attemptFenceBefore) {
        return CompletableFuture.runAsync(() -> record(pipeline, split, range, attemptFenceBefore), calls);
    }

    @Override
    public void record(String pipeline, String split, Range range, Fence attemptFenceBefore) {
        String pk = CoordinationKeys.attemptsPk(pipeline, split);
        long now = clock.millis();
        Fence since = attemptFenceBefore.isAfter(range.after()) ? attemptFenceBefore : range.after();
        if (!started.contains(pk)) {
            try {
                dynamo.putItem(b -> b.tableName(table).item(Map.of(StateTables.PK, AttributeValue.fromS(pk),
                                StateTables.SK, AttributeValue.fromS(SINCE_SK),
                                AFTER, AttributeValue.fromS(since.encoded()),
                                StateTables.TTL, ttl(now, SINCE_KEEP)))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", StateTables.PK)));
            } catch (ConditionalCheckFailedException exists) {
                // logged before, by this or another instance
            }
            started.add(pk);
        }
        dynamo.putItem(b -> b.tableName(table).item(Map.of(StateTables.PK, AttributeValue.fromS(pk),
                StateTables.SK, AttributeValue.fromS(time(now) + "#" + range.from().encoded() + "#"
                        + range.through().encoded()),
                AFTER, AttributeValue.fromS(range.after().encoded()),
                StateTables.TTL, ttl(now, keep))));
    }

    @Override
    public Optional<Fence> loggedAfter(String pipeline, String split) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                StateTables.PK, AttributeValue.fromS(CoordinationKeys.attemptsPk(pipeline, split)),
                StateTables.SK, AttributeValue.fromS(SINCE_SK)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Fence.decode(item.get(AFTER).s()));
    }

    @Override
    public List<Range> rangesLogged(String pipeline, String split, Instant since, Fence through) {
        List<Range> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        long stop = Long.MAX_VALUE;
        String from = time(Math.max(0, since.minus(CLOCK_SKEW).toEpochMilli()));
        do {
            Map<String, AttributeValue> page = start;
            QueryResponse response = dynamo.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", StateTables.PK, "#sk", StateTables.SK))
                    .expressionAttributeValues(Map.of(
                            ":pk", AttributeValue.fromS(CoordinationKeys.attemptsPk(pipeline, split)),
                            ":from", AttributeValue.fromS(from), ":to", AttributeValue.fromS("9999999999999~")))
                    .exclusiveStartKey(page));
            for (Map<String, AttributeValue> item : response.items()) {
                String[] parts = item.get(StateTables.SK).s().split("#");
                long at = Long.parseLong(parts[0]);
                if (at > stop) {
                    return out;
                }
                Range range = new Range(Fence.decode(parts[1]), Fence.decode(parts[2]), Fence.decode(item.get(AFTER).s()));
                out.add(range);
                if (stop == Long.MAX_VALUE && !through.isAfter(range.after())) {
                    stop = at + CLOCK_SKEW.toMillis();
                }
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private static String time(long millis) {
        String digits = Long.toString(millis);
        return "0".repeat(Math.max(0, 13 - digits.length())) + digits;
    }

    private static AttributeValue ttl(long nowMillis, Duration keep) {
        return AttributeValue.fromN(Long.toString((nowMillis + keep.toMillis()) / 1000));
    }
}

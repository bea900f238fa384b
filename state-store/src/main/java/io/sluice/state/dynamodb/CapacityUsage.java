package io.sluice.state.dynamodb;

import java.util.Map;
import java.util.TreeMap;

/**
 * DynamoDB capacity consumed by a {@link DynamoDbStateStore} so far: what the engine reported through
 * {@code ReturnConsumedCapacity.TOTAL}, what DynamoDB's published size rules give for the items actually read and
 * written ({@link ItemSizes}), and the number of API calls by operation (each attempt, retries included).
 *
 * <p>Both unit figures are kept because local engines do not meter: moto reports a constant 1.0 per write and 0.5
 * per read whatever the size, so on an emulator only the estimated units transfer to AWS.
 *
 * <pre>{@code
 * CapacityUsage before = store.capacity();
 * runBatch();
 * CapacityUsage used = store.capacity().minus(before);
 * double wcuPer1000 = used.estimatedWriteUnits() * 1000.0 / records;
 * }</pre>
 *
 * @param readUnits           read units the engine reported
 * @param writeUnits          write units the engine reported
 * @param estimatedReadUnits  strongly consistent read units by DynamoDB's rules for the bytes returned
 * @param estimatedWriteUnits write units by DynamoDB's rules for the items written (failed conditional writes too)
 * @param calls               API calls by operation name, such as {@code PutItem}
 */
public record CapacityUsage(double readUnits, double writeUnits, double estimatedReadUnits,
                            double estimatedWriteUnits, Map<String, Long> calls) {

    public CapacityUsage {
        calls = Map.copyOf(calls);
    }

    /** Total API calls. */
    public long totalCalls() {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The usage between {@code earlier} and this one. */
    public CapacityUsage minus(CapacityUsage earlier) {
        Map<String, Long> diff = new TreeMap<>(calls);
        earlier.calls.forEach((api, n) -> diff.merge(api, -n, Long::sum));
        diff.values().removeIf(n -> n == 0);
        return new CapacityUsage(readUnits - earlier.readUnits, writeUnits - earlier.writeUnits,
                estimatedReadUnits - earlier.estimatedReadUnits, estimatedWriteUnits - earlier.estimatedWriteUnits,
                diff);
    }

    @Override
    public String toString() {
        return String.format("CapacityUsage[reported rcu=%.1f wcu=%.1f, estimated rcu=%.1f wcu=%.1f, calls=%s]",
                readUnits, writeUnits, estimatedReadUnits, estimatedWriteUnits, new TreeMap<>(calls));
    }
}

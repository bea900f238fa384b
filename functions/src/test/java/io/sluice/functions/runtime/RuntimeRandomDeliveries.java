package io.sluice.functions.runtime;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.runtime.ReplayHarness.OrderBatch;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Random delivery sequences through the production runtime, from one seed, as a Kinesis event source mapping may
 * produce them: batches of random sizes; duplicate deliveries of acknowledged records; crashes after k partial
 * writes, retried from the first unacknowledged record with a batch of another size (a bisected half, or newer
 * records appended) on the same or a new instance; firing after every delivery; and shard 0 split into two
 * children halfway, read only after the parent finished. Optionally, deliveries to earlier instances whose
 * cached split state lags the store (Lambda does not pin a shard to an instance).
 */
final class RuntimeRandomDeliveries {

    static final String PARENT = "shardId-000000000000";
    static final List<String> ROOTS = List.of(PARENT, "shardId-000000000001");
    static final List<String> CHILDREN = List.of("shardId-000000000002", "shardId-000000000003");

    final List<Order> orders;
    private final Random random;
    private final boolean staleInstances;
    private final Map<String, List<Order>> records = new LinkedHashMap<>();
    private final Map<String, List<Fence>> fences = new LinkedHashMap<>();
    int crashes;
    int instances;

    /**
     * @param staleInstances whether a delivery may go to any earlier instance of the shard (its cached split state
     *                       then lags the store) rather than only to the latest one or a new one
     */
    RuntimeRandomDeliveries(long seed, int count, boolean staleInstances) {
        this.random = new Random(seed);
        this.staleInstances = staleInstances;
        List<Order> all = new ArrayList<>();
        OrdersGenerator.builder().records(count).seed(seed).start(Instant.parse("2020-11-10T16:00:00Z"))
                .duration(Duration.ofMinutes(5)).build().forEach(all::add);
        this.orders = List.copyOf(all);
        int cut = 1 + random.nextInt(Math.max(1, count / 2));
        List.of(PARENT, "shardId-000000000001", CHILDREN.get(0), CHILDREN.get(1)).forEach(s -> {
            records.put(s, new ArrayList<>());
            fences.put(s, new ArrayList<>());
        });
        int parentSeen = 0;
        for (Order o : all) {
            String shard = ROOTS.get(Math.floorMod(o.orderId().hashCode(), 2));
            if (shard.equals(PARENT) && parentSeen++ >= cut) {
                shard = CHILDREN.get(Math.floorMod(o.orderId().hashCode() / 2, 2));
            }
            records.get(shard).add(o);
            BigInteger base = new BigInteger("4959033827149025660855969253836157109592157598913658889" + shard.charAt(15));
            fences.get(shard).add(Fence.of(base.multiply(BigInteger.TEN.pow(3)).add(BigInteger.valueOf(records.get(shard).size())).toString()));
        }
    }

    /** Runs every delivery on stores from {@code instances} and returns the final rows. */
    List<ResultRow> run(Supplier<StateStore> stores, int maxBatch) {
        ReplayHarness h = new ReplayHarness(stores);
        // Every shard is known before the first record (the stream lists them), so none can be overtaken.
        for (String root : ROOTS) {
            h.control.advanceSplit(SplitState.pending(ReplayHarness.PIPELINE.name(), root, 0, List.of()));
        }
        for (String child : CHILDREN) {
            h.control.advanceSplit(SplitState.pending(ReplayHarness.PIPELINE.name(), child, 0, List.of(PARENT)));
        }
        Map<String, Integer> cursor = new HashMap<>();
        Map<String, List<SplitProcessor>> warm = new HashMap<>();
        AtomicInteger writesLeft = new AtomicInteger(-1);
        while (true) {
            List<String> eligible = records.keySet().stream()
                    .filter(s -> cursor.getOrDefault(s, 0) < records.get(s).size())
                    .filter(s -> !CHILDREN.contains(s) || finished(h, PARENT)).toList();
            if (eligible.isEmpty()) {
                break;
            }
            String shard = eligible.get(random.nextInt(eligible.size()));
            int from = cursor.getOrDefault(shard, 0);
            if (from > 0 && random.nextInt(6) == 0) {
                int back = Math.max(0, from - 1 - random.nextInt(maxBatch));
                h.process(instance(h, warm, shard, stores, writesLeft), batch(shard, back, from));
            }
            int to = Math.min(records.get(shard).size(), from + 1 + random.nextInt(maxBatch));
            SplitProcessor processor = instance(h, warm, shard, stores, writesLeft);
            writesLeft.set(random.nextInt(3) == 0 ? random.nextInt(4) : -1);
            try {
                h.process(processor, batch(shard, from, to));
                cursor.put(shard, to);
            } catch (StateStoreException e) {
                if (!ReplayHarness.isInjectedCrash(e)) {
                    throw e;
                }
                crashes++; // nothing acknowledged: the next delivery starts at `from` again, in a batch of any size
            } finally {
                writesLeft.set(-1);
            }
            if (cursor.getOrDefault(shard, 0) == records.get(shard).size() && !finished(h, shard)) {
                processor.finish(0);
            }
            h.fire("firer-" + random.nextInt(3));
        }
        for (String shard : records.keySet()) {
            if (!finished(h, shard)) {
                h.newInstance(shard, stores.get()).finish(0); // a shard that got no record at all (a child) ends too
            }
        }
        h.fire("final-firer");
        if (!h.outputs.lateRecords().isEmpty()) {
            throw new IllegalStateException("late records: " + h.outputs.lateRecords());
        }
        return h.outputs.finalResults();
    }

    /** The rows computed straight from the orders: count and sum per one-minute window and category. */
    List<String> reference() {
        Map<String, long[]> acc = new TreeMap<>();
        for (Order o : orders) {
            long start = Math.floorDiv(o.ts(), 60_000) * 60_000;
            long[] a = acc.computeIfAbsent(String.format("%020d %s", start, o.category()), k -> new long[2]);
            a[0]++;
            a[1] += o.amount();
        }
        List<String> rows = new ArrayList<>();
        acc.forEach((k, a) -> rows.add(Long.parseLong(k.substring(0, 20)) + "," + k.substring(21) + "," + a[0] + "," + a[1]));
        return rows;
    }

    static List<String> csv(List<ResultRow> rows) {
        List<String> sorted = new ArrayList<>(rows.stream().map(r -> {
            CountAndSum v = (CountAndSum) r.value();
            return String.format("%020d %s,%d,%d", r.windowStart(), r.key(), v.count(), v.sum());
        }).toList());
        sorted.sort(null);
        return sorted.stream().map(s -> Long.parseLong(s.substring(0, 20)) + "," + s.substring(21)).toList();
    }

    private OrderBatch batch(String shard, int from, int to) {
        return new OrderBatch(records.get(shard).subList(from, to), fences.get(shard).subList(from, to));
    }

    private boolean finished(ReplayHarness h, String shard) {
        return h.control.readSplit(ReplayHarness.PIPELINE.name(), shard)
                .map(s -> s.status() == SplitStatus.FINISHED).orElse(false);
    }

    /** The latest instance of the shard, sometimes a new one, or (with stale instances) any earlier one. */
    private SplitProcessor instance(ReplayHarness h, Map<String, List<SplitProcessor>> warm, String shard,
                                    Supplier<StateStore> stores, AtomicInteger writesLeft) {
        List<SplitProcessor> list = warm.computeIfAbsent(shard, s -> new ArrayList<>());
        if (list.isEmpty() || random.nextInt(5) == 0) {
            list.add(h.newInstance(shard, ReplayHarness.crashing(stores.get(), writesLeft)));
            instances++;
        }
        return list.get(staleInstances ? random.nextInt(list.size()) : list.size() - 1);
    }
}

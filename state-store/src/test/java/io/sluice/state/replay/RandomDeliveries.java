package io.sluice.state.replay;

import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Delivers orders the way a Kinesis event source mapping may, driven by one seed: random batch sizes, duplicate
 * deliveries, crashes after k writes followed by a retry of the same records, of a smaller prefix (bisection) or
 * from the reported failure with newer records appended, warm instances with stale caches, firings at the global
 * watermark while records still flow, and a split of shard 0 into two children halfway (read only after the parent
 * finished).
 */
final class RandomDeliveries {

    static final String PARENT = "shardId-000000000000";
    static final List<String> CHILDREN = List.of("shardId-000000000002", "shardId-000000000003");
    private static final int KEY_BUCKETS = 4;

    private final Supplier<StateStore> instances;
    private final String pipeline;
    private final Random random;
    private final Map<String, List<Order>> bySplit = new HashMap<>();
    private final Map<String, List<String>> parents = new HashMap<>();
    private final Map<String, List<CrashingStateStore>> stores = new HashMap<>();
    private final Map<String, List<GmvWriter>> writers = new HashMap<>();
    private final GmvFirer.Sink sink = new GmvFirer.Sink();

    RandomDeliveries(Supplier<StateStore> instances, String pipeline, List<Order> orders, long seed) {
        this.instances = instances;
        this.pipeline = pipeline;
        this.random = new Random(seed);
        List<Order> reassigned = reshard(orders);
        for (Order o : reassigned) {
            bySplit.computeIfAbsent(o.split(), s -> new ArrayList<>()).add(o);
        }
        bySplit.keySet().forEach(s -> parents.put(s, CHILDREN.contains(s) ? List.of(PARENT) : List.of()));
    }

    /** Orders of shard 0 after a random cut move to its children, with the children's higher sequence numbers. */
    private List<Order> reshard(List<Order> orders) {
        List<Order> parentOrders = Order.ofSplit(orders, PARENT);
        // The parent keeps at least one record, so it exists and finishes before its children are read.
        int cut = parentOrders.size() < 2 ? parentOrders.size() : 1 + random.nextInt(parentOrders.size() - 1);
        BigInteger[] next = {new BigInteger("49600000000000000000000000000000000000000000000000000002"),
                new BigInteger("49600000000000000000000000000000000000000000000000000003")};
        List<Order> out = new ArrayList<>();
        int seen = 0;
        for (Order o : orders) {
            if (o.split().equals(PARENT) && seen++ >= cut) {
                int child = Math.floorMod(o.orderId().hashCode() / 7, 2);
                out.add(new Order(o.orderId(), o.category(), o.amount(), o.ts(), CHILDREN.get(child),
                        Fence.of(next[child].toString())));
                next[child] = next[child].add(BigInteger.TEN);
            } else {
                out.add(o);
            }
        }
        return out;
    }

    /** Runs every delivery, fires everything at the end and returns the sink's rows. */
    GmvFirer.Sink run(int maxBatch) {
        StateStore control = instances.get();
        for (Map.Entry<String, List<String>> split : parents.entrySet()) {
            control.advanceSplit(SplitState.pending(pipeline, split.getKey(), 0, split.getValue()));
        }
        Map<String, Integer> cursor = new HashMap<>();
        bySplit.keySet().forEach(s -> cursor.put(s, 0));
        while (true) {
            List<String> eligible = bySplit.keySet().stream().sorted()
                    .filter(s -> cursor.get(s) < bySplit.get(s).size())
                    .filter(s -> parents.get(s).stream().allMatch(p -> finished(control, p))).toList();
            if (eligible.isEmpty()) {
                if (cursor.entrySet().stream().anyMatch(e -> e.getValue() < bySplit.get(e.getKey()).size())) {
                    throw new IllegalStateException("undeliverable records left: " + cursor);
                }
                break;
            }
            String split = eligible.get(random.nextInt(eligible.size()));
            List<Order> all = bySplit.get(split);
            int from = cursor.get(split);
            if (from > 0 && random.nextInt(6) == 0) {
                // A duplicate delivery of records already applied.
                int back = Math.max(0, from - 1 - random.nextInt(maxBatch));
                int dup = pickInstance(split);
                try {
                    writers.get(split).get(dup).process(all.subList(back, from));
                } catch (GmvWriter.BatchFailure failedDuplicate) {
                    // a store failure (injected by the client) ends the duplicate too; the cursor has not moved
                } finally {
                    stores.get(split).get(dup).arm(-1);
                }
            }
            List<Order> batch = all.subList(from, Math.min(all.size(), from + 1 + random.nextInt(maxBatch)));
            int index = pickInstance(split);
            if (random.nextInt(3) == 0) {
                stores.get(split).get(index).arm(random.nextInt(4));
            }
            try {
                writers.get(split).get(index).process(batch);
                cursor.put(split, from + batch.size());
            } catch (GmvWriter.BatchFailure failure) {
                if (random.nextBoolean()) {
                    int resume = from;
                    while (all.get(resume).seq().compareTo(failure.firstUnapplied) < 0) {
                        resume++;
                    }
                    cursor.put(split, resume); // the ESM resumes at the reported record, newer ones appended
                }
                // else: the same records again next time, in a batch of another size (a retry or a bisected half)
            } finally {
                stores.get(split).get(index).arm(-1);
            }
            if (cursor.get(split) == all.size() && !finished(control, split)) {
                SplitState state = control.readSplit(pipeline, split).orElseThrow();
                control.advanceSplit(state.finished(all.get(all.size() - 1).seq()));
            }
            if (random.nextInt(5) == 0) {
                new GmvFirer(instances.get(), pipeline, "firer-" + random.nextInt(3), sink)
                        .fireUpTo(GmvFirer.globalWatermark(control, pipeline), random.nextInt(200_000));
            }
        }
        new GmvFirer(instances.get(), pipeline, "final-firer", sink).fireUpTo(Long.MAX_VALUE, 1_000_000);
        return sink;
    }

    /** Crashes injected so far, over all instances. */
    int crashes() {
        return stores.values().stream().flatMap(List::stream).mapToInt(CrashingStateStore::crashes).sum();
    }

    /** Instances (writers) created so far. */
    int instances() {
        return writers.values().stream().mapToInt(List::size).sum();
    }

    private boolean finished(StateStore store, String split) {
        return store.readSplit(pipeline, split).map(s -> s.status() == SplitStatus.FINISHED).orElse(false);
    }

    /** A warm instance of this split (possibly with a stale cache) or, sometimes, a new one. */
    private int pickInstance(String split) {
        List<GmvWriter> ws = writers.computeIfAbsent(split, s -> new ArrayList<>());
        List<CrashingStateStore> ss = stores.computeIfAbsent(split, s -> new ArrayList<>());
        if (ws.isEmpty() || random.nextInt(5) == 0) {
            CrashingStateStore store = new CrashingStateStore(instances.get());
            ss.add(store);
            ws.add(new GmvWriter(store, pipeline, split, KEY_BUCKETS));
        }
        return random.nextInt(ws.size());
    }
}

package io.sluice.state.replay;

import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The write path of {@code gmv-by-category} (60 s tumbling windows, count and sum per category) as DESIGN.md
 * specifies it, standing in for the runtime until it lands on this branch: one instance is one Lambda instance
 * reading one split. Per batch it groups records by partial (slot, split, key bucket), applies to each partial only
 * the records after its fence, and writes it conditionally on the fence it last saw; items stay cached between
 * batches, cold ones are loaded with one {@link StateStore#readPartials} call, and a fence conflict re-reads.
 *
 * <p>A failed write ends the batch with a {@link BatchFailure} naming the first record not applied, as a handler
 * reports a {@code BatchItemFailure}.
 */
final class GmvWriter {

    static final long WINDOW_MILLIS = 60_000;
    static final long DISORDER_MILLIS = 5_000;

    private final StateStore store;
    private final String pipeline;
    private final String split;
    private final int keyBuckets;
    private final Map<PartialKey, Partial> cache = new HashMap<>();
    private SplitState progress;

    GmvWriter(StateStore store, String pipeline, String split, int keyBuckets) {
        this.store = store;
        this.pipeline = pipeline;
        this.split = split;
        this.keyBuckets = keyBuckets;
    }

    static Slot window(long ts) {
        long start = Math.floorDiv(ts, WINDOW_MILLIS) * WINDOW_MILLIS;
        return new Slot(start, start + WINDOW_MILLIS);
    }

    /** Applies one delivered batch of this split's records, in sequence order. */
    void process(List<Order> batch) {
        Map<PartialKey, List<Order>> byPartial = new TreeMap<>(
                (a, b) -> a.slot().compareTo(b.slot()) != 0 ? a.slot().compareTo(b.slot()) : Integer.compare(a.bucket(), b.bucket()));
        for (Order o : batch) {
            int bucket = Math.floorMod(o.category().hashCode(), keyBuckets);
            byPartial.computeIfAbsent(new PartialKey(pipeline, window(o.ts()), split, bucket), k -> new ArrayList<>()).add(o);
        }
        List<PartialKey> cold = byPartial.keySet().stream().filter(k -> !cache.containsKey(k)).toList();
        if (!cold.isEmpty()) {
            cache.putAll(store.readPartials(cold));
        }
        for (Slot slot : byPartial.keySet().stream().map(PartialKey::slot).distinct().toList()) {
            store.registerSlot(pipeline, slot);
        }
        List<PartialKey> keys = new ArrayList<>(byPartial.keySet());
        for (int i = 0; i < keys.size(); i++) {
            try {
                apply(keys.get(i), byPartial.get(keys.get(i)));
            } catch (RuntimeException e) {
                Fence firstUnapplied = keys.subList(i, keys.size()).stream()
                        .flatMap(k -> byPartial.get(k).stream()).map(Order::seq).min(Fence::compareTo).orElseThrow();
                throw new BatchFailure(firstUnapplied, e);
            }
        }
        Order last = batch.get(batch.size() - 1);
        long watermark = batch.stream().mapToLong(Order::ts).max().orElseThrow() - DISORDER_MILLIS;
        if (progress == null) {
            progress = store.readSplit(pipeline, split).orElse(SplitState.pending(pipeline, split, 0, List.of()));
        }
        progress = progress.withProgress(watermark, last.seq(), last.ts());
        store.advanceSplit(progress);
    }

    private void apply(PartialKey key, List<Order> records) {
        while (true) {
            Partial base = cache.getOrDefault(key, new Partial(key, Fence.NONE, List.of()));
            List<Order> fresh = records.stream().filter(o -> o.seq().isAfter(base.fence())).toList();
            if (fresh.isEmpty()) {
                return; // a replay: everything here is applied already
            }
            Partial merged = merge(base, fresh);
            try {
                store.writePartial(merged, base.fence());
                cache.put(key, merged);
                return;
            } catch (FenceConflictException stale) {
                store.readPartial(key).ifPresentOrElse(p -> cache.put(key, p), () -> cache.remove(key));
            }
        }
    }

    /**
     * The base with {@code fresh} applied: categories the batch did not touch keep their entry objects, as the
     * runtime's writer hands them over, so a store can tell what changed (the DynamoDB store logs it).
     */
    private static Partial merge(Partial base, List<Order> fresh) {
        Map<String, long[]> acc = new TreeMap<>();
        for (Order o : fresh) {
            long[] a = acc.computeIfAbsent(o.category(), c -> new long[2]);
            a[0]++;
            a[1] += o.amount();
        }
        Slot slot = base.key().slot();
        List<StateEntry> entries = new ArrayList<>();
        for (StateEntry e : base.entries()) {
            long[] a = acc.remove(e.key());
            if (a == null) {
                entries.add(e);
            } else {
                ByteBuffer b = ByteBuffer.wrap(e.accumulator());
                entries.add(entry(slot, e.key(), b.getLong() + a[0], b.getLong() + a[1]));
            }
        }
        acc.forEach((category, a) -> entries.add(entry(slot, category, a[0], a[1])));
        return new Partial(base.key(), fresh.get(fresh.size() - 1).seq(), entries);
    }

    private static StateEntry entry(Slot slot, String category, long count, long sum) {
        return new StateEntry(category, slot.start(), slot.end(), ByteBuffer.allocate(16).putLong(count).putLong(sum)
                .array());
    }

    /** A batch stopped at a failed write; records from {@link #firstUnapplied} on must be delivered again. */
    static final class BatchFailure extends RuntimeException {
        final Fence firstUnapplied;

        BatchFailure(Fence firstUnapplied, RuntimeException cause) {
            super("batch failed; first record not applied: " + firstUnapplied, cause);
            this.firstUnapplied = firstUnapplied;
        }
    }
}

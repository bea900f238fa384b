package io.sluice.state.replay;

import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The firing path of {@code gmv-by-category}: claim each window the watermark has passed, merge all its partials,
 * write the rows to an idempotent sink (deterministic keys), mark the window fired.
 */
final class GmvFirer {

    private final StateStore store;
    private final String pipeline;
    private final String owner;
    private final Sink sink;

    GmvFirer(StateStore store, String pipeline, String owner, Sink sink) {
        this.store = store;
        this.pipeline = pipeline;
        this.owner = owner;
        this.sink = sink;
    }

    /** The minimum watermark over the pipeline's unfinished splits. */
    static long globalWatermark(StateStore store, String pipeline) {
        return store.splits(pipeline).stream().mapToLong(SplitState::watermarkMillis).min().orElse(Long.MIN_VALUE);
    }

    /** Fires every pending window whose end is at most {@code watermark}; returns how many this owner fired. */
    int fireUpTo(long watermark, long nowMillis) {
        int fired = 0;
        for (Slot slot : store.pendingSlots(pipeline, watermark)) {
            if (!store.claimFiring(pipeline, slot, owner, nowMillis, 60_000)) {
                continue;
            }
            Map<String, long[]> rows = new TreeMap<>();
            for (Partial p : store.readSlot(pipeline, slot)) {
                for (StateEntry e : p.entries()) {
                    ByteBuffer b = ByteBuffer.wrap(e.accumulator());
                    long[] row = rows.computeIfAbsent(e.key(), k -> new long[2]);
                    row[0] += b.getLong();
                    row[1] += b.getLong();
                }
            }
            sink.write(slot, rows);
            store.completeFiring(pipeline, slot, owner);
            fired++;
        }
        return fired;
    }

    /** Results keyed by (window start, category): a repeated firing rewrites the same rows. */
    static final class Sink {
        private final Map<String, String> rows = new ConcurrentSkipListMap<>();
        private final Map<Long, AtomicInteger> writesPerWindow = new ConcurrentHashMap<>();

        void write(Slot slot, Map<String, long[]> byCategory) {
            byCategory.forEach((category, r) -> rows.put(String.format("%020d,%s", slot.start(), category),
                    slot.start() + "," + category + "," + r[0] + "," + r[1]));
            writesPerWindow.computeIfAbsent(slot.start(), s -> new AtomicInteger()).incrementAndGet();
        }

        /** CSV lines {@code window_start_ms,category,count,sum_cents}, by window start then category. */
        List<String> csv() {
            return List.copyOf(rows.values());
        }

        Map<Long, AtomicInteger> writesPerWindow() {
            return writesPerWindow;
        }
    }

    /** The rows computed straight from the orders, without any state store. */
    static List<String> reference(List<Order> orders) {
        Map<String, long[]> acc = new TreeMap<>();
        Map<String, String> labels = new TreeMap<>();
        for (Order o : orders) {
            long start = GmvWriter.window(o.ts()).start();
            String sortKey = String.format("%020d,%s", start, o.category());
            long[] a = acc.computeIfAbsent(sortKey, k -> new long[2]);
            a[0]++;
            a[1] += o.amount();
            labels.put(sortKey, start + "," + o.category());
        }
        return acc.entrySet().stream().map(e -> labels.get(e.getKey()) + "," + e.getValue()[0] + "," + e.getValue()[1])
                .toList();
    }
}

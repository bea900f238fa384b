package io.sluice.functions.runtime;

import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which records of a batch are refused because a (window, key) total would overflow a long (exact sums never wrap
 * around). One per {@link SplitProcessor}, reset per batch.
 *
 * <p>The decision must not depend on how the records were cut into batches, or a bisected retry would refuse a record
 * the first attempt counted. So nothing is refused while a batch is first combined: the (slot, key) pairs whose cell
 * overflowed there, or whose cell would overflow the stored total when written
 * ({@link PartialWriter.MergeOverflowException}), are collected; then the batch is combined again and their records
 * are decided one by one, in order, against the stored total plus the records taken before them. A record already in
 * the stored content (at or before its fence) is left out silently; a record is taken only if it fits every
 * overflowing window it belongs to (a sliding record belongs to several); a refused one is a dead letter once, and
 * every later pass of the batch leaves it out. Session keys are refused whole: their fragments merge into sessions
 * only at firing.
 */
final class OverflowDecisions {

    /** What to do with a record of an overflowing (slot, key). */
    enum Decision {
        /** Not concerned, or it fits: add it as usual. */
        ADD,
        /** In the stored content already, or refused before: leave it out silently. */
        LEAVE_OUT,
        /** Refused now: a dead letter. */
        REFUSE
    }

    private record SlotKey(Slot slot, String key) {
    }

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final String split;
    /** Pairs whose batch cell overflowed on the first pass, to be loaded from the store after it. */
    private final Set<SlotKey> fromFirstPass = new HashSet<>();
    private final Set<SlotKey> overflowing = new HashSet<>();
    /** The stored content's fence per pair: batch records at or before it are in it already. */
    private final Map<SlotKey, Fence> fences = new HashMap<>();
    /** The stored accumulator per pair of a fixed window, encoded; absent for session keys (refused whole). */
    private final Map<SlotKey, byte[]> stored = new HashMap<>();
    /** Stored accumulators plus the records taken so far, during a deciding pass. */
    private final Map<SlotKey, Object> running = new HashMap<>();
    private final BitSet refused = new BitSet();
    private boolean deciding;

    OverflowDecisions(CompiledPipeline pipeline, StateStore store, String split) {
        this.pipeline = pipeline;
        this.store = store;
        this.split = split;
    }

    /** Forgets the previous batch: a key that overflowed a stored total then may fit now. */
    void reset() {
        fromFirstPass.clear();
        overflowing.clear();
        fences.clear();
        stored.clear();
        running.clear();
        refused.clear();
        deciding = false;
    }

    /** The record's add overflowed on the first pass, in the windows of {@code items}. */
    void overflowedOnFirstPass(List<PartialKey> items, String key) {
        for (PartialKey item : items) {
            fromFirstPass.add(new SlotKey(item.slot(), key));
        }
    }

    /**
     * Loads the stored totals of the pairs that overflowed on the first pass (one read per pair).
     *
     * @param keyBuckets the split's key-bucket count: where its partials hold each key
     * @return whether there were any: the batch must then be combined again, deciding
     */
    boolean loadFirstPassOverflows(int keyBuckets) {
        for (SlotKey o : fromFirstPass) {
            Optional<Partial> item = store.readPartial(new PartialKey(pipeline.name(), o.slot(), split,
                    CompiledPipeline.bucketOf(o.key(), keyBuckets)));
            overflowing.add(o);
            fences.put(o, item.map(Partial::fence).orElse(Fence.NONE));
            if (!pipeline.windowing().isSession()) {
                stored.put(o, item.flatMap(p -> p.entries().stream().filter(e -> e.key().equals(o.key())).findFirst())
                        .map(StateEntry::accumulator)
                        .orElseGet(() -> pipeline.codec().encode(pipeline.aggregate().createAccumulator())));
            }
        }
        boolean any = !fromFirstPass.isEmpty();
        fromFirstPass.clear();
        return any;
    }

    /**
     * A write found that a pair's batch cell would overflow its stored total.
     *
     * @throws PartialWriter.MergeOverflowException if that pair was decided already (its decision cannot change)
     */
    void overflowedOnWrite(PartialWriter.MergeOverflowException e) {
        SlotKey o = new SlotKey(e.slot, e.key);
        if (!overflowing.add(o)) {
            throw e;
        }
        fences.put(o, e.contentFence);
        if (e.storedAccumulator != null) {
            stored.put(o, e.storedAccumulator);
        }
    }

    /** Starts a pass that decides every overflowing pair's records from their stored totals. */
    void startDeciding() {
        running.clear();
        stored.forEach((k, acc) -> running.put(k, pipeline.codec().decode(acc)));
        deciding = true;
    }

    void stopDeciding() {
        deciding = false;
    }

    boolean deciding() {
        return deciding && !overflowing.isEmpty();
    }

    /** Whether the batch's record at {@code index} was refused: every pass after its refusal leaves it out. */
    boolean refused(int index) {
        return refused.get(index);
    }

    /**
     * Decides an on-time record during a deciding pass.
     *
     * @param items the items the record belongs to (one per window; the pane of its timestamp for sessions)
     */
    Decision decide(int index, Fence fence, String key, Object value, List<PartialKey> items) {
        if (refused.get(index)) {
            return Decision.LEAVE_OUT;
        }
        Map<SlotKey, Object> tried = new HashMap<>();
        boolean concerned = false;
        boolean fits = true;
        for (PartialKey item : items) {
            SlotKey hit = new SlotKey(item.slot(), key);
            if (!overflowing.contains(hit)) {
                continue;
            }
            concerned = true;
            if (!fence.isAfter(fences.get(hit))) {
                return Decision.LEAVE_OUT;   // counted in the stored content already
            }
            Object total = running.get(hit);
            if (total == null) {
                fits = false;   // a session key: refused whole
                continue;
            }
            try {
                // On a copy: a refusal in one window leaves the others as they were.
                tried.put(hit, pipeline.aggregate().add(value,
                        pipeline.codec().decode(pipeline.codec().encode(total))));
            } catch (ArithmeticException wouldOverflow) {
                fits = false;
            }
        }
        if (!concerned) {
            return Decision.ADD;
        }
        if (fits) {
            running.putAll(tried);
            return Decision.ADD;
        }
        refused.set(index);
        return Decision.REFUSE;
    }
}

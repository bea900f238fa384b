package io.sluice.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keyed window state and split coordination for one deployment. Thread-safe.
 *
 * <pre>{@code
 * StateStore store = new InMemoryStateStore();
 * PartialKey key = new PartialKey("gmv-by-category", new Slot(0, 60_000), "shardId-000000000000", 3);
 * store.registerSlot("gmv-by-category", key.slot());
 * store.writePartial(new Partial(key, Fence.of("17"), entries), Fence.NONE);       // first write: must not exist
 * store.writePartial(new Partial(key, Fence.of("42"), merged), Fence.of("17"));    // conditional on the last fence
 * }</pre>
 *
 * <p>Firing protocol: when the global watermark passes a slot's end plus allowed lateness, one caller wins
 * {@link #claimFiring}, reads every partial of the slot with {@link #readSlot}, writes results to an idempotent
 * sink and calls {@link #completeFiring}. A claim that is never completed (the firer crashed) lapses after its
 * lease and can be claimed again; the sink's deterministic keys make the repeated firing write the same bytes. A
 * firer with several windows due takes each step for all of them at once ({@link #claimFirings},
 * {@link #readSlots}, {@link #completeFirings}), so a store can issue the calls of a step together.
 */
public interface StateStore {

    /**
     * The largest item a store writes, attribute names included; a larger partial is chunked. DynamoDB documents
     * "400 KB" and accepts a little over 409,000 bytes; moto_server refuses items over 405,000 (a hot key's distinct
     * set at 10M orders grew into that band): 400,000 is inside every reading. The in-memory store, the run metrics
     * and {@code StateCost} use the same figure, so what is counted as chunked locally is what DynamoDB chunks.
     */
    int ITEM_LIMIT_BYTES = 400_000;

    /** The stored partial, if any split ever wrote it. */
    Optional<Partial> readPartial(PartialKey key);

    /**
     * The stored partials among {@code keys}; keys never written are absent from the map. A writer with a cold
     * cache (a new Lambda instance) loads a batch's items in one go: DynamoDB answers 100 keys per call.
     */
    default Map<PartialKey, Partial> readPartials(Collection<PartialKey> keys) {
        Map<PartialKey, Partial> found = new HashMap<>();
        for (PartialKey key : keys) {
            readPartial(key).ifPresent(p -> found.put(key, p));
        }
        return found;
    }

    /**
     * Writes {@code partial} if the stored item's fence equals {@code expectedFence} ({@link Fence#NONE}: if no
     * item exists).
     *
     * @throws FenceConflictException if the stored fence differs: re-read and apply only later records
     * A partial may be of any size: a store with bounded items writes a large one as chunks behind a head, fenced as
     * one unit (see the package docs), so readers see the whole old or the whole new version.
     *
     * @throws ItemTooLargeException  only if the partial is too large even for chunks (hundreds of MB)
     */
    void writePartial(Partial partial, Fence expectedFence);

    /**
     * Writes each of {@code writes} as {@link #writePartial} would, independently of the others, and returns the keys
     * whose fence condition was refused (the others are stored). Their keys must be distinct: each item has one writer
     * and its own fence, so a store may issue the writes concurrently (DynamoDB: a bounded number in flight), paying
     * about one round trip for the batch instead of one per item.
     *
     * <p>Returns, or throws, only once every write has finished, so whatever the caller writes next (the split's
     * progress) is written after all of them: the order exactly-once rests on.
     *
     * <p>A wrapper that intercepts {@link #writePartial} (a fault injector, a test hook) must intercept this too, or
     * route it to this default through itself ({@code InvocationHandler.invokeDefault}): the store's own version
     * does not call the wrapper back. The same holds for {@link #registerSlots}.
     *
     * @return keys refused with a {@link FenceConflictException}, in the order of {@code writes}
     * @throws StateStoreException   if a write failed otherwise (the first such failure in the order of {@code writes},
     *                               thrown after the others finished; which of them landed is unknown, as after a
     *                               crash, and their fences make the retry idempotent)
     * @throws ItemTooLargeException as {@link #writePartial}
     */
    default Set<PartialKey> writePartials(List<PartialWrite> writes) {
        Set<PartialKey> refused = new LinkedHashSet<>();
        for (PartialWrite w : writes) {
            try {
                writePartial(w.partial(), w.expectedFence());
            } catch (FenceConflictException e) {
                refused.add(w.partial().key());
            }
        }
        return refused;
    }

    /** Every partial of {@code slot}, over all splits and buckets. Order is unspecified. */
    List<Partial> readSlot(String pipeline, Slot slot);

    /** Records that {@code slot} has partials, so firings find it. Idempotent. */
    void registerSlot(String pipeline, Slot slot);

    /**
     * {@link #registerSlot} of each of {@code slots}; returns once all are registered, so partials written next are
     * found by firings. A store may register them concurrently.
     */
    default void registerSlots(String pipeline, Collection<Slot> slots) {
        for (Slot slot : slots) {
            registerSlot(pipeline, slot);
        }
    }

    /** Registered slots not yet fired whose end is at most {@code maxEnd}, ordered by end then start. */
    List<Slot> pendingSlots(String pipeline, long maxEnd);

    /**
     * Claims the right to fire {@code slot}.
     *
     * @return true if this caller now holds the claim until {@code nowMillis + leaseMillis}; false if the slot is
     *     fired already or another owner holds an unexpired claim
     */
    boolean claimFiring(String pipeline, Slot slot, String owner, long nowMillis, long leaseMillis);

    /**
     * Marks {@code slot} fired: it is no longer pending and cannot be claimed again. A store may then discard the
     * slot's partials (records for it arrive late from now on).
     *
     * @throws FiringClaimLostException if {@code owner} does not hold the claim (its lease lapsed and another firer
     *                                   claimed or fired the slot); completing a slot this owner completed before
     *                                   returns
     * @throws StateStoreException       if the store fails
     */
    void completeFiring(String pipeline, Slot slot, String owner);

    /** Gives up a claim without firing, so another caller may claim at once. No-op if not held. */
    void releaseFiring(String pipeline, Slot slot, String owner);

    /**
     * {@link #claimFiring} of each of {@code slots}, independently: a store may issue the claims together (DynamoDB:
     * one conditional transaction each, a bounded number in flight). A firer that fires several windows at once waits
     * one round trip for their claims instead of one per window.
     *
     * <p>A wrapper that intercepts the single call must intercept this too, or route it to this default through itself
     * (as for {@link #writePartials}); the same holds for {@link #readSlots}, {@link #completeFirings} and
     * {@link #releaseFirings}.
     *
     * @return the slots this caller now holds, in the order of {@code slots}
     * @throws StateStoreException if a claim failed otherwise than by being refused, thrown once every claim has
     *                             finished; which of the others were taken is unknown, so the caller releases all of
     *                             {@code slots} ({@link #releaseFirings} is a no-op for one it does not hold)
     */
    default List<Slot> claimFirings(String pipeline, List<Slot> slots, String owner, long nowMillis,
                                    long leaseMillis) {
        List<Slot> claimed = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            if (claimFiring(pipeline, slot, owner, nowMillis, leaseMillis)) {
                claimed.add(slot);
            }
        }
        return claimed;
    }

    /**
     * {@link #readSlot} of each of {@code slots}; a store may issue every slot's queries together.
     *
     * @return every slot's partials (an empty list for a slot without any), by slot in the order of {@code slots}
     */
    default Map<Slot, List<Partial>> readSlots(String pipeline, List<Slot> slots) {
        Map<Slot, List<Partial>> read = new LinkedHashMap<>();
        for (Slot slot : slots) {
            read.put(slot, readSlot(pipeline, slot));
        }
        return read;
    }

    /**
     * {@link #completeFiring} of each of {@code slots}, independently; a store may issue them together. Returns, or
     * throws, only once every completion has finished; the others may have completed. A failure of the store comes
     * first (the first in the order of {@code slots}): it hides any lost claim, and the caller retries. Only when
     * nothing else failed are lost claims thrown, as one {@link FiringClaimLostException} naming each: every other
     * slot then completed.
     */
    default void completeFirings(String pipeline, List<Slot> slots, String owner) {
        StateStoreException first = null;
        List<FiringClaimLostException> lost = new ArrayList<>();
        for (Slot slot : slots) {
            try {
                completeFiring(pipeline, slot, owner);
            } catch (FiringClaimLostException e) {
                lost.add(e);
            } catch (StateStoreException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        if (!lost.isEmpty()) {
            throw FiringClaimLostException.merged(lost);
        }
    }

    /** {@link #releaseFiring} of each of {@code slots}; a store may issue them together. */
    default void releaseFirings(String pipeline, List<Slot> slots, String owner) {
        for (Slot slot : slots) {
            releaseFiring(pipeline, slot, owner);
        }
    }

    /**
     * Whether {@code slot} was fired ({@link #completeFiring}), so its partials may be gone: a session record that
     * could touch a retired pane's fragments is late. Answers false once the fired marker has expired (TTL).
     */
    boolean isFired(String pipeline, Slot slot);

    /**
     * Stores {@code proposed} merged into the split's stored progress ({@link SplitState#merge}): creates the split
     * if it is new, and otherwise never lowers its watermark or fences, never reopens a FINISHED split. A stale or
     * concurrent writer therefore cannot move progress back (invariant 3); the write is conditional on what it
     * replaces, retried on a conflict.
     *
     * @return the stored state after the write
     */
    SplitState advanceSplit(SplitState proposed);

    /**
     * Registers {@code state} if the split is not known yet; a known split is left exactly as it is (its activity
     * included, so registering never makes an idle split look active).
     *
     * @return true if this call created the split
     */
    boolean createSplit(SplitState state);

    /**
     * Records, before an invocation writes anything for the split, that it is active at {@code nowMillis} and is
     * about to apply records up to {@code through} (the attempt fence only rises). Creates the split as PENDING if it
     * is new. Written before the invocation reads the watermarks it judges lateness by, so a firer that then reads
     * the splits sees the split as active (see {@link #publishWatermark}).
     *
     * <p>Records {@code keyBuckets} as the split's count unless one is recorded already: a split's partials are
     * written with one count for its whole life ({@link SplitState#keyBuckets}), so an attempt that failed between
     * item writes is retried into the same items even by an instance whose pipeline declares another count.
     *
     * @param keyBuckets the count the pipeline declares
     * @return the split's state as it was before this call (its {@link SplitState#attemptFence} tells whether an
     *     earlier attempt may have applied records past its fence; its {@link SplitState#keyBucketsOr} the count to
     *     write with)
     */
    SplitState startAttempt(String pipeline, String split, Fence through, long nowMillis, int keyBuckets);

    /**
     * The highest watermark a firer has published for {@code pipeline} ({@link Long#MIN_VALUE} if none): records are
     * judged late against at least it, so nothing judged on time is written into a window that has fired.
     */
    long publishedWatermark(String pipeline);

    /**
     * Raises {@link #publishedWatermark} to {@code watermark}; never lowers it. A firer publishes the watermark it is
     * about to fire at, then reads the splits again and fires no further than they allow.
     */
    void publishWatermark(String pipeline, long watermark);

    /** The progress record of one split. */
    Optional<SplitState> readSplit(String pipeline, String split);

    /** Every split known for {@code pipeline}, in split id order. */
    List<SplitState> splits(String pipeline);

    /**
     * The highest watermark at which {@code pipeline} has completed a firing round ({@link Long#MIN_VALUE} if
     * none): session firing emits only sessions that became final after it.
     */
    long firedWatermark(String pipeline);

    /** Raises {@link #firedWatermark} to {@code watermark}; never lowers it. */
    void advanceFiredWatermark(String pipeline, long watermark);
}

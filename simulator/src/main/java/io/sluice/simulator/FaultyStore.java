package io.sluice.simulator;

import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * A {@link StateStore} proxy that injects one fault at the k-th write of an attempt, as in the runtime tests'
 * {@code ReplayHarness.crashingOn}: a crash (this and every later call of the attempt fail, the instance is dead), a
 * throttle (that one call fails), or a hook run just before the write (another instance's retry or firing
 * overlapping this attempt). Writes are the calls that change the store. Also plants bugs for the checker's own
 * tests: a partial write silently dropped, the splits' key-bucket counts forgotten.
 */
final class FaultyStore {

    private static final Set<String> WRITES = Set.of("writePartial", "advanceSplit", "createSplit", "startAttempt", "publishWatermark",
            "registerSlot", "claimFiring",
            "completeFiring", "releaseFiring", "advanceFiredWatermark");

    /** Batch calls the store's default methods split into the single calls above, each a fault point. */
    private static final Set<String> BATCHES = Set.of("writePartials", "registerSlots", "claimFirings", "readSlots",
            "completeFirings", "releaseFirings");

    enum Mode { NONE, CRASH, THROTTLE, HOOK, THROTTLE_AFTER_ATTEMPT, REFUSE_ATTEMPT }

    private final StateStore delegate;
    private final StateStore proxy;
    private Mode mode = Mode.NONE;
    private int writesLeft;
    private boolean dead;
    private Runnable hook;
    private boolean struck;
    private boolean attemptRecorded;
    /** Planted bug: the n-th partial write overall is acknowledged but not stored (-1: none). */
    private int dropPartialWrite = -1;
    private int partialWrites;
    private boolean forgetKeyBuckets;

    FaultyStore(StateStore delegate) {
        this.delegate = delegate;
        this.proxy = (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                new Class<?>[] {StateStore.class}, (p, method, args) -> {
                    String name = method.getName();
                    if (BATCHES.contains(name)) {
                        // One fault point per item, as before the writes were batched: a fault strikes between
                        // items, leaving some written and some not, as a crash among concurrent writes does.
                        return InvocationHandler.invokeDefault(p, method, args);
                    }
                    if (dead) {
                        throw new StateStoreException("injected crash: instance is dead (" + name + ")");
                    }
                    if (WRITES.contains(name)) {
                        beforeWrite(name);
                        if (name.equals("writePartial") && partialWrites++ == dropPartialWrite) {
                            return null;
                        }
                    }
                    try {
                        Object result = method.invoke(delegate, args);
                        return forgetKeyBuckets && result instanceof SplitState s ? unrecorded(s) : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** {@code s} as if no attempt had recorded its key-bucket count. */
    private static SplitState unrecorded(SplitState s) {
        return new SplitState(s.pipeline(), s.split(), s.status(), s.watermarkMillis(), s.fence(),
                s.lastActivityMillis(), s.parents(), s.attemptFence(), SplitState.UNRECORDED);
    }

    StateStore store() {
        return proxy;
    }

    void plantDroppedPartialWrite(int index) {
        dropPartialWrite = index;
    }

    /** Planted bug: every split read or returned says no count is recorded, so each instance writes with its own. */
    void plantForgottenKeyBuckets() {
        forgetKeyBuckets = true;
    }

    /** Arms a fault at the {@code at}-th write from now. */
    void arm(Mode newMode, int at, Runnable newHook) {
        mode = newMode;
        writesLeft = at;
        hook = newHook;
        dead = false;
        struck = false;
        attemptRecorded = false;
    }

    /** Ends the attempt: the fault, struck or not, is gone; a dead instance's store is usable again by others. */
    void disarm() {
        mode = Mode.NONE;
        dead = false;
        hook = null;
        struck = false;
    }

    /** Whether the armed fault struck during the attempt (false once disarmed). */
    boolean struck() {
        return struck;
    }

    private void beforeWrite(String name) {
        if (mode == Mode.REFUSE_ATTEMPT) {
            // The attempt's first write fails on every attempt armed: nothing of it is recorded.
            if (name.equals("startAttempt")) {
                struck = true;
                throw new StateStoreException("injected refusal of startAttempt through every retry");
            }
            return;
        }
        if (mode == Mode.THROTTLE_AFTER_ATTEMPT) {
            // The table fails once the attempt is recorded: partial and progress writes, on every attempt armed.
            attemptRecorded |= name.equals("startAttempt");
            if (attemptRecorded && (name.equals("writePartial") || name.equals("advanceSplit")
                    || name.equals("registerSlot"))) {
                struck = true;
                throw new StateStoreException("injected throttle on " + name + " through every retry");
            }
            return;
        }
        if (mode == Mode.NONE || writesLeft-- != 0) {
            return;
        }
        Mode m = mode;
        mode = Mode.NONE;
        struck = true;
        switch (m) {
            case CRASH -> {
                dead = true;
                throw new StateStoreException("injected crash before " + name);
            }
            case THROTTLE -> throw new StateStoreException("injected throttle on " + name
                    + " (ProvisionedThroughputExceeded)");
            case HOOK -> {
                Runnable h = hook;
                hook = null;
                h.run();
            }
            default -> { }
        }
    }
}

package io.sluice.state.replay;

import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.Slot;
import io.sluice.state.StateStore;

/**
 * A store that, once {@link #arm armed} with k, lets k partial writes through, fails the next one and then passes
 * all later ones: an invocation that dies in the middle of its writes (timeout, lost connection), as seen by the
 * warm instance that retries.
 */
final class CrashingStateStore extends ForwardingStateStore {

    private int writesLeft = -1;
    private int crashes;

    CrashingStateStore(StateStore delegate) {
        super(delegate);
    }

    /** Fails the write after the next {@code writesBeforeCrash} ones. */
    CrashingStateStore arm(int writesBeforeCrash) {
        writesLeft = writesBeforeCrash;
        return this;
    }

    int crashes() {
        return crashes;
    }

    @Override
    public void writePartial(Partial partial, Fence expectedFence) {
        if (writesLeft >= 0 && writesLeft-- == 0) {
            crashes++;
            throw new IllegalStateException("injected crash before writing " + partial.key());
        }
        super.writePartial(partial, expectedFence);
    }

    /** A firer that dies after writing its results, before marking the window fired. */
    static StateStore neverCompletingFirings(StateStore delegate) {
        return new ForwardingStateStore(delegate) {
            @Override
            public void completeFiring(String pipeline, Slot slot, String owner) {
                // the process died here: the claim stays until its lease lapses
            }
        };
    }
}

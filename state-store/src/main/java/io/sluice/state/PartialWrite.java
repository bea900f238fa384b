package io.sluice.state;

import java.util.Objects;

/**
 * One conditional write of {@link StateStore#writePartials}: {@code partial} if the stored fence is
 * {@code expectedFence} ({@link Fence#NONE}: if no item exists).
 *
 * @param partial       the item to store
 * @param expectedFence the fence the writer last saw
 */
public record PartialWrite(Partial partial, Fence expectedFence) {

    public PartialWrite {
        Objects.requireNonNull(partial, "partial");
        Objects.requireNonNull(expectedFence, "expectedFence");
    }
}

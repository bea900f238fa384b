package io.sluice.state;

/**
 * A conditional write found a different fence than the writer expected: another invocation (a retry, or a new
 * Lambda instance) has written the item since. The writer re-reads and applies only records after
 * {@link #storedFence()}.
 */
public class FenceConflictException extends StateStoreException {

    private final PartialKey key;
    private final Fence expectedFence;

    public FenceConflictException(PartialKey key, Fence expectedFence) {
        super("Fence conflict on partial [" + key + "]: expected fence " + expectedFence.sequenceNumber()
                + " but the stored item differs (a retry or another writer applied records since)");
        this.key = key;
        this.expectedFence = expectedFence;
    }

    public PartialKey key() {
        return key;
    }

    public Fence expectedFence() {
        return expectedFence;
    }
}

package io.sluice.simulator;

/**
 * One step of a history's schedule. Every action first moves processing time on by one second. An action that
 * cannot apply when it comes (its shard is drained, its parents are not) does nothing, so dropping actions while
 * shrinking always leaves a valid schedule.
 */
public sealed interface Action {

    /** Compact form for printed histories. */
    String compact();

    /** A fault injected into the first attempt of a delivery (GIVE_UP, GIVE_UP_UNRECORDED: into every attempt). */
    enum FaultType {
        NONE, CRASH, THROTTLE, OVERLAP, FIRE_DURING, GIVE_UP, GIVE_UP_UNRECORDED
    }

    /**
     * The event source mapping delivers the unacknowledged records of {@code shard} up to record id {@code through}
     * (inclusive) to the instance in {@code slot}; failures are retried (bisected if {@code bisect}) until
     * acknowledged or given up. Batches end at a record, not at a count, so dropping other records while shrinking
     * keeps the batch's boundaries.
     *
     * @param at    the state-store write (0-based, counted over the attempt) at which the fault strikes
     * @param other the instance that retries (OVERLAP) or fires (FIRE_DURING) meanwhile
     */
    record Deliver(int shard, int slot, int through, FaultType fault, int at, int other, boolean bisect)
            implements Action {
        Deliver withoutFault() {
            return new Deliver(shard, slot, through, FaultType.NONE, 0, 0, false);
        }

        @Override
        public String compact() {
            return "deliver(s" + shard + ",i" + slot + ",..#" + through
                    + (fault == FaultType.NONE ? "" : "," + fault.name().toLowerCase() + "@" + at
                    + (fault == FaultType.OVERLAP || fault == FaultType.FIRE_DURING ? "/i" + other : ""))
                    + (bisect ? ",bisect" : "") + ")";
        }
    }

    /** The last {@code size} acknowledged records of {@code shard} are delivered again. */
    record Redeliver(int shard, int slot, int size) implements Action {
        @Override
        public String compact() {
            return "redeliver(s" + shard + ",i" + slot + ",n" + size + ")";
        }
    }

    /** The instance in {@code slot} computes the global watermark and fires what it passed. */
    record Fire(int slot) implements Action {
        @Override
        public String compact() {
            return "fire(i" + slot + ")";
        }
    }

    /** The reshard {@code event} happens: its parents close, its children appear in the shard listing. */
    record Reshard(int event) implements Action {
        @Override
        public String compact() {
            return "reshard(" + event + ")";
        }
    }

    /** Processing time moves on by {@code millis} with no delivery (idle shards). */
    record Pause(long millis) implements Action {
        @Override
        public String compact() {
            return "pause(" + millis / 1000 + "s)";
        }
    }
}

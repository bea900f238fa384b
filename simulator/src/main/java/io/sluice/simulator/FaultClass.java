package io.sluice.simulator;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a history may draw: data anomalies and schedule faults. Each history draws a random subset of the enabled
 * classes ({@code --scenarios crash,reshard-split}); the report counts how many histories drew each one.
 */
public enum FaultClass {
    /** Several Lambda instances (own processors, firers and owner ids) take turns on the shards. */
    INSTANCES,
    /** The instance dies at the k-th state-store write of an invocation; the batch is retried on a new instance. */
    CRASH,
    /** The k-th state-store write is throttled (transient error); the same instance retries from what it reports. */
    THROTTLE,
    /** Retries are bisected: the failed range is split in two halves retried in turn. */
    BISECT,
    /** An acknowledged batch is delivered again. */
    DUPLICATE,
    /** An attempt times out at its k-th write while still running; the retry runs on another instance meanwhile. */
    OVERLAP,
    /** Firings at random points by random instances, including in the middle of another instance's batch. */
    FIRE,
    /** A shard splits into two children. */
    RESHARD_SPLIT,
    /** Two shards merge into one child. */
    RESHARD_MERGE,
    /** A shard (original or child) that never receives a record. */
    EMPTY_SHARD,
    /** Long pauses of processing time (past the idleness timeout) while some shards deliver nothing. */
    IDLE,
    /** Records later than disorder + allowed lateness. */
    LATE,
    /** Lines that do not decode: bad JSON, missing or mistyped fields. */
    MALFORMED,
    /** Timestamps far in the future: year 2100, or microseconds for milliseconds. */
    FAR_FUTURE,
    /** Amounts whose exact sum overflows a long. */
    OVERFLOW,
    /** {@code ts = Long.MIN_VALUE}. */
    MIN_TS,
    /**
     * The state store fails (after the attempt is recorded) through every retry of a batch: the event source mapping
     * gives up on it and moves on; the operator reads it back before the shard's next batch, or before a child
     * finishes the shard. Drawn only for a batch that some later batch or child follows (the documented limit).
     * Last, and drawn from its own random stream, so the histories of earlier seeds stay what they were.
     */
    GIVE_UP,
    /**
     * The state store refuses the very first write of every attempt of a batch ({@code startAttempt}): no attempt is
     * recorded, the event source mapping gives up and sends the batch's coordinates to the on-failure destination, and
     * the operator's next batch jumps over it. At the end of the history the on-failure records are replayed
     * ({@code sluice replay}'s {@code OnFailureReplay}), before and, for a range the operator had not passed yet,
     * after every split is finished. Drawn from its own random stream, like {@link #GIVE_UP}.
     */
    GIVE_UP_UNRECORDED,
    /**
     * A redeploy changed the pipeline's {@code keyBuckets}: instances alternate between the declared count and another
     * one (a replaced instance takes the other count), so a batch that failed between item writes is retried under
     * another count, and old and new instances overlap. Drawn from its own random stream, like {@link #GIVE_UP}.
     */
    REDEPLOY;

    /** The command-line name: {@code reshard-split}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a comma-separated list of {@link #cliName()}s; {@code all} or blank means every class, {@code none} no
     * class (plain histories: one instance, no faults, no reshards, no anomalous records).
     *
     * @throws IllegalArgumentException naming an unknown class and the known ones
     */
    public static Set<FaultClass> parse(String list) {
        if (list == null || list.isBlank() || list.trim().equals("all")) {
            return EnumSet.allOf(FaultClass.class);
        }
        Set<FaultClass> classes = EnumSet.noneOf(FaultClass.class);
        if (list.trim().equals("none")) {
            return classes;
        }
        for (String name : list.split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            FaultClass found = null;
            for (FaultClass c : values()) {
                if (c.cliName().equals(n)) {
                    found = c;
                }
            }
            if (found == null) {
                StringBuilder known = new StringBuilder();
                for (FaultClass c : values()) {
                    known.append(known.length() == 0 ? "" : ",").append(c.cliName());
                }
                throw new IllegalArgumentException("unknown scenario [" + n + "]; known: " + known);
            }
            classes.add(found);
        }
        return classes;
    }
}

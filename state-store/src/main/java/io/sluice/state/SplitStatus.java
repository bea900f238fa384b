package io.sluice.state;

/** Lifecycle of a source split. */
public enum SplitStatus {
    /** Registered, not yet read: its watermark is the minimum and holds firing back. */
    PENDING,
    /** Being read; its watermark counts towards the global minimum unless it is idle. */
    ACTIVE,
    /** Fully read (a closed shard drained or a batch task done): its watermark is +infinity. */
    FINISHED
}

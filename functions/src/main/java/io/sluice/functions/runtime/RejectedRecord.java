package io.sluice.functions.runtime;

/**
 * A record that could not be processed: malformed, over the size bound, or failing a pipeline step. Sent to the
 * dead-letter output with its reason and coordinates.
 *
 * @param pipeline pipeline name
 * @param split    shard or task id
 * @param position coordinates in the split: {@code seq=...} or {@code line=...}
 * @param reason   one of {@link io.sluice.functions.codec.RejectReasons}' vocabulary: {@code field amount: missing},
 *                 {@code record over 1048576 bytes}, ...
 * @param record   the record as received (UTF-8 text), or null when too large to keep
 */
public record RejectedRecord(String pipeline, String split, String position, String reason, String record) {
}

package io.sluice.functions.runtime;

/**
 * A record that arrived after its window fired, sent to the late output instead of being dropped.
 *
 * @param pipeline    pipeline name
 * @param split       shard or task id
 * @param position    coordinates in the split: {@code seq=...} or {@code line=...}
 * @param timestamp   the record's event time, epoch ms
 * @param windowStart start of the (first) window it belonged to
 * @param windowEnd   end of that window
 * @param watermark   the global watermark it was judged against
 * @param record      the record as received (UTF-8 text)
 */
public record LateRecord(String pipeline, String split, String position, long timestamp, long windowStart,
                         long windowEnd, long watermark, String record) {
}

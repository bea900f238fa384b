/**
 * Kinesis adapters: {@link io.sluice.functions.io.kinesis.KinesisRecordBatch} (a Lambda event's records, KPL
 * aggregates de-aggregated by {@link io.sluice.functions.io.kinesis.KplAggregate}, as a runtime batch),
 * {@link io.sluice.functions.io.kinesis.ShardRegistry} (shards and their lineage in the coordination table),
 * {@link io.sluice.functions.io.kinesis.ShardLoadTable} (each batch's {@link
 * io.sluice.functions.io.kinesis.ShardLoadReport} added to a per-shard, per-minute item the shard scaler reads) and
 * the output stream sink.
 *
 * <pre>{@code
 * KinesisRecordBatch batch = KinesisRecordBatch.of(event.getRecords(), (record, reason) -> deadLetter(record, reason));
 * }</pre>
 */
package io.sluice.functions.io.kinesis;

/**
 * Kinesis adapters: {@link io.sluice.functions.io.kinesis.KinesisRecordBatch} (a Lambda event's records, KPL
 * aggregates de-aggregated by {@link io.sluice.functions.io.kinesis.KplAggregate}, as a runtime batch),
 * {@link io.sluice.functions.io.kinesis.ShardRange} (a range of a shard read back from the stream, one batch at a time,
 * for what the event source mapping gave up on; {@link io.sluice.functions.io.kinesis.KinesisShardRange} on the API)
 * and the output stream sink. Shard lineage and shard load are coordination, in {@code io.sluice.state.coordination}.
 *
 * <pre>{@code
 * KinesisRecordBatch batch = KinesisRecordBatch.of(event.getRecords(), (record, reason) -> deadLetter(record, reason));
 * }</pre>
 */
package io.sluice.functions.io.kinesis;

/**
 * Kinesis adapters: {@link io.sluice.functions.io.kinesis.KinesisEventReader} (an invocation's JSON read in one
 * pass, only the fields the operator uses, base64 decoded once into the array the batch keeps; a byte scanner for the
 * mapping's plain JSON, Jackson for anything else), {@link io.sluice.functions.io.kinesis.KinesisShards} (an
 * event's records by shard),
 * {@link io.sluice.functions.io.kinesis.KinesisRecordBatch} (a Lambda event's records, KPL
 * aggregates de-aggregated by {@link io.sluice.functions.io.kinesis.KplAggregate}, as a runtime batch),
 * and the output stream sink. Reading a range of a shard back (what the event source mapping gave up on) is the
 * driver's: {@link io.sluice.functions.driver.KinesisShardRange}. Shard lineage and shard load are coordination, in {@code io.sluice.state.coordination}.
 *
 * <pre>{@code
 * KinesisRecordBatch batch = KinesisRecordBatch.of(event.getRecords(), (record, reason) -> deadLetter(record, reason));
 * }</pre>
 */
package io.sluice.functions.io.kinesis;

package io.sluice.functions.driver;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;

import java.util.List;

/**
 * Reads a range of one shard back from the stream, one batch at a time, as the event records Lambda would have
 * delivered, for the batches an event source mapping gave up on.
 *
 * <pre>{@code
 * List<KinesisEvent.KinesisEventRecord> records = range.read(streamArn, "shardId-000000000000", "4959...897", "4959...912");
 * }</pre>
 */
@FunctionalInterface
public interface ShardRange {

    /** At most one batch is read at a time: Lambda's largest Kinesis batch. */
    int MAX_RECORDS = 10_000;
    /** Lambda's invocation payload limit for a batch. */
    long MAX_BYTES = 6L * 1024 * 1024;

    /**
     * The first Kinesis records of {@code shard} whose sequence numbers are after {@code afterSequence} (null: from
     * the oldest the shard holds) and at most {@code throughSequence}, in order: all of them, or as many whole records
     * as fit in {@link #MAX_RECORDS} and {@link #MAX_BYTES} (the caller reads again after the last one).
     *
     * @throws Unreadable if the shard no longer holds the range
     * @throws RuntimeException if the stream cannot be read now (throttled, unreachable): try again later
     */
    List<KinesisEvent.KinesisEventRecord> read(String streamArn, String shard, String afterSequence,
                                               String throughSequence);

    /**
     * Like {@link #read}, from the record at {@code atSequence} included (GetShardIterator AT_SEQUENCE_NUMBER): the
     * replay of an on-failure record, which names the range's first record.
     *
     * @throws Unreadable if the shard no longer holds the range
     * @throws UnsupportedOperationException if this reader reads only after a position
     */
    default List<KinesisEvent.KinesisEventRecord> readFrom(String streamArn, String shard, String atSequence,
                                                           String throughSequence) {
        throw new UnsupportedOperationException("reading from a record on is not supported by " + getClass());
    }

    /** The range cannot be read, now or later: its records are lost and must be reported. */
    final class Unreadable extends RuntimeException {
        public Unreadable(String reason) {
            super(reason);
        }
    }
}

package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.codec.AsciiWords;
import io.sluice.functions.codec.MalformedRecordException;
import io.sluice.functions.runtime.RecordBatch;
import io.sluice.state.Fence;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The records of one shard in a {@link KinesisEvent}, as a {@link RecordBatch}: each Kinesis record's data is split
 * into newline-separated lines (JSON lines producers may pack several per record), and KPL-aggregated records are
 * de-aggregated first. Line {@code k} of Kinesis record {@code seq} has the fence {@code (seq, k)}: for a KPL record
 * with one line per user record, {@code k} is the user record's sub-sequence number, so a retried aggregate
 * resumes inside itself.
 *
 * <pre>{@code
 * KinesisRecordBatch batch = KinesisRecordBatch.of(event.getRecords(), (record, reason) -> deadLetters.add(reason));
 * batch.position(0);        // "seq=49590338271490256608559692538361571095921575989136588898 sub=0"
 * batch.sequenceNumber(0);  // "4959...898": the itemIdentifier of a batch item failure
 * }</pre>
 */
public final class KinesisRecordBatch implements RecordBatch {


    private final List<byte[]> buffers = new ArrayList<>();
    private final List<String> sequenceNumbers = new ArrayList<>();
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private long[] subSequences = new long[16];
    private int[] owners = new int[16];
    private int size;

    private KinesisRecordBatch() {
    }

    /**
     * Adapts the records of one shard, in order.
     *
     * @param undecodable receives a record that cannot be de-aggregated and the reason; it is left out of the batch
     */
    public static KinesisRecordBatch of(List<KinesisEvent.KinesisEventRecord> records,
                                        BiConsumer<KinesisEvent.KinesisEventRecord, String> undecodable) {
        KinesisRecordBatch batch = new KinesisRecordBatch();
        for (KinesisEvent.KinesisEventRecord record : records) {
            KinesisEvent.Record kinesis = record.getKinesis();
            if (kinesis == null || kinesis.getData() == null || kinesis.getSequenceNumber() == null) {
                undecodable.accept(record, "record without " + (kinesis == null ? "kinesis"
                        : kinesis.getData() == null ? "kinesis.data" : "kinesis.sequenceNumber"));
                continue;
            }
            String seq = kinesis.getSequenceNumber();
            try {
                Fence.checkSequenceNumber(seq);   // without building the fence: most records never need theirs
            } catch (IllegalArgumentException e) {
                undecodable.accept(record, "invalid sequence number");   // the number is input: not quoted
                continue;
            }
            byte[] data = bytes(kinesis.getData());
            if (KplAggregate.isAggregated(data)) {
                List<byte[]> userRecords;
                try {
                    userRecords = KplAggregate.deaggregate(data);
                } catch (MalformedRecordException e) {
                    undecodable.accept(record, e.getMessage());
                    continue;
                }
                long sub = 0;
                for (byte[] user : userRecords) {
                    sub = batch.addLines(user, seq, sub);
                }
            } else {
                batch.addLines(data, seq, 0);
            }
        }
        return batch;
    }

    /**
     * The Kinesis record's data; the event's reader has already decoded the base64. A buffer that wraps a whole
     * array ({@link KinesisEventReader}'s) is used as it is, not copied: nothing writes to a record's bytes.
     */
    static byte[] bytes(ByteBuffer data) {
        if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0
                && data.remaining() == data.array().length) {
            return data.array();
        }
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /**
     * Adds the lines of {@code data} with sub-sequences from {@code sub}; returns the next sub-sequence. Lines are cut
     * exactly as the batch side's line reader cuts an object (blank lines kept, a trailing {@code \r} dropped, no
     * empty line after a final newline), so both sides reject the same records; a record with no line at all
     * stays one empty record, so nothing a producer sent disappears silently.
     */
    private long addLines(byte[] data, String seq, long sub) {
        int owner = buffers.size();
        buffers.add(data);
        sequenceNumbers.add(seq);
        int before = size;
        int start = 0;
        for (int i = AsciiWords.newline(data, 0, data.length); ; i = AsciiWords.newline(data, i + 1, data.length)) {
            if (i < data.length || i > start) {
                int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
                add(owner, start, end - start, sub++);
                start = i + 1;
            }
            if (i >= data.length) {
                break;
            }
        }
        if (size == before) {
            add(owner, 0, 0, sub++);
        }
        return sub;
    }

    private void add(int owner, int offset, int length, long sub) {
        if (size == offsets.length) {
            int n = size * 2;
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            subSequences = Arrays.copyOf(subSequences, n);
            owners = Arrays.copyOf(owners, n);
        }
        offsets[size] = offset;
        lengths[size] = length;
        subSequences[size] = sub;
        owners[size] = owner;
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public byte[] buffer(int i) {
        return buffers.get(owners[i]);
    }

    @Override
    public int offset(int i) {
        return offsets[i];
    }

    @Override
    public int length(int i) {
        return lengths[i];
    }

    @Override
    public Fence fence(int i) {
        return Fence.of(sequenceNumber(i), subSequences[i]);
    }

    @Override
    public String position(int i) {
        return "seq=" + sequenceNumber(i) + " sub=" + subSequences[i];
    }

    /** The Kinesis sequence number record {@code i} came in. */
    public String sequenceNumber(int i) {
        return sequenceNumbers.get(owners[i]);
    }

    /** The sub-sequence of record {@code i} within its Kinesis record. */
    public long subSequence(int i) {
        return subSequences[i];
    }
}

package io.sluice.functions.runtime;

import io.sluice.state.Fence;

import java.util.Arrays;

/**
 * A batch of lines copied back to back into one growing buffer, as the file and S3 drivers read them (the input
 * itself is streamed, never held whole). Each line has a position in its split (the fence, an ordinal) and a line
 * number in the input (for messages). Reused: {@link #clear()} after each batch.
 *
 * <pre>{@code
 * LineBatch batch = new LineBatch(1024);
 * batch.add(reader.buffer(), reader.offset(), reader.length(), ordinal, lineNumber);
 * processor.process(batch, watermark, now);
 * batch.clear();
 * }</pre>
 */
public final class LineBatch implements RecordBatch {

    private byte[] data = new byte[1 << 16];
    private int used;
    private int[] offsets;
    private int[] lengths;
    private boolean[] oversized;
    private long[] ordinals;
    private long[] lineNumbers;
    private int size;

    /** A batch with room for {@code capacity} lines before it grows. */
    public LineBatch(int capacity) {
        offsets = new int[capacity];
        lengths = new int[capacity];
        oversized = new boolean[capacity];
        ordinals = new long[capacity];
        lineNumbers = new long[capacity];
    }

    /** Copies a line in. */
    public void add(byte[] buffer, int offset, int length, long ordinal, long lineNumber) {
        ensureRecordCapacity();
        if (used + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, used + length));
        }
        System.arraycopy(buffer, offset, data, used, length);
        offsets[size] = used;
        lengths[size] = length;
        oversized[size] = false;
        ordinals[size] = ordinal;
        lineNumbers[size] = lineNumber;
        used += length;
        size++;
    }

    /** Records a line that was over the size bound: its length, no bytes. */
    public void addOversized(int length, long ordinal, long lineNumber) {
        ensureRecordCapacity();
        offsets[size] = used;
        lengths[size] = length;
        oversized[size] = true;
        ordinals[size] = ordinal;
        lineNumbers[size] = lineNumber;
        size++;
    }

    /** Empties the batch, keeping its buffers. */
    public void clear() {
        size = 0;
        used = 0;
    }

    public boolean isFull() {
        return size == offsets.length;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public byte[] buffer(int i) {
        return data;
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
    public boolean oversized(int i) {
        return oversized[i];
    }

    /** Records are copied back to back into {@code data}; oversized ones take no bytes. */
    @Override
    public int contiguousEnd() {
        return used;
    }

    @Override
    public Fence fence(int i) {
        return Fence.ofOrdinal(ordinals[i]);
    }

    @Override
    public String position(int i) {
        return "line=" + lineNumbers[i];
    }

    private void ensureRecordCapacity() {
        if (size == offsets.length) {
            int n = offsets.length * 2;
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            oversized = Arrays.copyOf(oversized, n);
            ordinals = Arrays.copyOf(ordinals, n);
            lineNumbers = Arrays.copyOf(lineNumbers, n);
        }
    }
}

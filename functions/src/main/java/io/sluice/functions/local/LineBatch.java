package io.sluice.functions.local;

import io.sluice.functions.runtime.RecordBatch;
import io.sluice.state.Fence;

import java.util.Arrays;

/**
 * A batch of lines copied into one growing buffer. Each line has a position in its split (the fence, an ordinal)
 * and a line number in the input (for messages).
 */
final class LineBatch implements RecordBatch {

    private byte[] data = new byte[1 << 16];
    private int used;
    private int[] offsets;
    private int[] lengths;
    private boolean[] oversized;
    private long[] ordinals;
    private long[] lineNumbers;
    private int size;

    LineBatch(int capacity) {
        offsets = new int[capacity];
        lengths = new int[capacity];
        oversized = new boolean[capacity];
        ordinals = new long[capacity];
        lineNumbers = new long[capacity];
    }

    void add(byte[] buffer, int offset, int length, long ordinal, long lineNumber) {
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

    void addOversized(int length, long ordinal, long lineNumber) {
        ensureRecordCapacity();
        offsets[size] = used;
        lengths[size] = length;
        oversized[size] = true;
        ordinals[size] = ordinal;
        lineNumbers[size] = lineNumber;
        size++;
    }

    void clear() {
        size = 0;
        used = 0;
    }

    boolean isFull() {
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

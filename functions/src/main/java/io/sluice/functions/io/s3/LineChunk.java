package io.sluice.functions.io.s3;

import io.sluice.functions.runtime.RecordBatch;
import io.sluice.state.Fence;

import java.util.Arrays;

/**
 * The lines of an S3 object read so far, copied into one growing buffer (the object itself is streamed, never held
 * whole). Each line has its ordinal as fence and its line number in the object for messages.
 */
final class LineChunk implements RecordBatch {

    private byte[] data = new byte[1 << 16];
    private int used;
    private int[] offsets;
    private int[] lengths;
    private boolean[] oversized;
    private long[] ordinals;
    private long[] lineNumbers;
    private int size;

    LineChunk(int capacity) {
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

package io.sluice.functions.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Mutable accumulator of {@link Aggregates#countDistinct}: the exact set of distinct values seen, as strings. It
 * grows with the values (a hot key of a million distinct users holds a million strings); the state store spreads
 * a partial that outgrows one item over several ({@code io.sluice.state}), so its size is a cost, not a limit.
 *
 * <p>Encoding ({@link #CODEC}): varint count, then the values in sorted order, front-coded: per value the length
 * of the prefix it shares with the previous one, the length of the rest and the rest's UTF-8 bytes. Sorted user
 * ids such as {@code u-104722} then take about 4 bytes each before the store's compression.
 */
public final class DistinctValues {

    /** The compact codec described above. */
    public static final AccumulatorCodec<DistinctValues> CODEC = AccumulatorCodec.of(DistinctValues::encode,
            DistinctValues::decode);

    private final Set<String> values;

    public DistinctValues() {
        this.values = new HashSet<>();
    }

    private DistinctValues(Set<String> values) {
        this.values = values;
    }

    /** Adds one value ({@code null} counts as the value "null"). */
    public DistinctValues add(Object value) {
        values.add(String.valueOf(value));
        return this;
    }

    /** Adds every value of {@code other}: the union. */
    public DistinctValues merge(DistinctValues other) {
        if (other.values.size() > values.size()) {
            Set<String> bigger = new HashSet<>(other.values);
            bigger.addAll(values);
            return new DistinctValues(bigger);
        }
        values.addAll(other.values);
        return this;
    }

    /** Number of distinct values. */
    public long size() {
        return values.size();
    }

    /** Whether {@code value} was added. */
    public boolean contains(Object value) {
        return values.contains(String.valueOf(value));
    }

    private static byte[] encode(DistinctValues acc) {
        String[] sorted = acc.values.toArray(new String[0]);
        Arrays.sort(sorted);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + sorted.length * 6);
        byte[] buffer = new byte[10];
        writeVar(out, buffer, sorted.length);
        byte[] previous = new byte[0];
        for (String value : sorted) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            int max = Math.min(previous.length, bytes.length);
            while (shared < max && previous[shared] == bytes[shared]) {
                shared++;
            }
            writeVar(out, buffer, shared);
            writeVar(out, buffer, bytes.length - shared);
            out.write(bytes, shared, bytes.length - shared);
            previous = bytes;
        }
        return out.toByteArray();
    }

    private static DistinctValues decode(byte[] bytes) {
        long[] read = VarLongCodec.read(bytes, 0);
        int count = checkedLength(read[0], bytes.length);
        int pos = (int) read[1];
        Set<String> values = new HashSet<>(Math.max(16, count * 4 / 3 + 1));
        byte[] previous = new byte[0];
        for (int i = 0; i < count; i++) {
            read = VarLongCodec.read(bytes, pos);
            int shared = (int) read[0];
            read = VarLongCodec.read(bytes, (int) read[1]);
            int rest = checkedLength(read[0], bytes.length);
            pos = (int) read[1];
            if (shared < 0 || shared > previous.length || pos + rest > bytes.length) {
                throw new IllegalArgumentException("corrupt distinct values at byte " + pos);
            }
            byte[] value = Arrays.copyOf(previous, shared + rest);
            System.arraycopy(bytes, pos, value, shared, rest);
            pos += rest;
            values.add(new String(value, StandardCharsets.UTF_8));
            previous = value;
        }
        if (pos != bytes.length) {
            throw new IllegalArgumentException("trailing bytes after distinct values: " + (bytes.length - pos));
        }
        return new DistinctValues(values);
    }

    /** A decoded length or count, bounded by the input: corrupt bytes never allocate gigabytes. */
    private static int checkedLength(long value, int inputBytes) {
        if (value < 0 || value > inputBytes) {
            throw new IllegalArgumentException("corrupt distinct values: length " + value + " in " + inputBytes
                    + " bytes");
        }
        return (int) value;
    }

    private static void writeVar(ByteArrayOutputStream out, byte[] buffer, long value) {
        out.write(buffer, 0, VarLongCodec.write(value, buffer, 0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistinctValues d && d.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "DistinctValues[" + values.size() + " values]";
    }
}

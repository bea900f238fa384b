package io.sluice.functions.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mutable accumulator of {@link Aggregates#countDistinct}: the exact set of distinct values seen, as strings. It
 * grows with the values (a hot key of a million distinct users holds a million strings); the state store spreads
 * a partial that outgrows one item over several ({@code io.sluice.state}), so its size is a cost, not a limit.
 *
 * <p>Encoding ({@link #CODEC}): one or more <em>segments</em>, each a varint count, then values in sorted order,
 * front-coded: per value the length of the prefix it shares with the previous one, the length of the rest and the
 * rest's UTF-8 bytes. Sorted user ids such as {@code u-104722} then take about 4 bytes each before the store's
 * compression. The value set is the union of the segments (disjoint as written).
 *
 * <p>Why segments: a hot key's set is written again on every batch that adds to it, and sorting a few hundred
 * thousand values each time made exact distinct counts cost O(set) CPU per batch (issue 18). So the accumulator
 * keeps its last encoding and the values added since: encoding again appends one sorted segment of the additions to
 * the previous bytes (O(additions) work plus a copy). Once the values appended since the last whole encoding exceed
 * a quarter of the values it held (or after {@value #MAX_SEGMENTS} segments), the set is encoded whole again as one
 * segment: whole encodings happen as the set grows by a quarter, so the sorting is amortized to O(log) per value,
 * and small segments, whose front coding is weaker, stay under about a fifth of the values. (Every 16 segments was
 * tried first: the re-sorting of hot keys still dominated 10M orders.) A single segment is exactly the
 * format written before segments existed, so stored accumulators still decode; the bytes now depend on the order
 * of additions, the value set never does.
 */
public final class DistinctValues {

    /** The compact codec described above. */
    public static final AccumulatorCodec<DistinctValues> CODEC = AccumulatorCodec.of(DistinctValues::encode,
            DistinctValues::decode);

    /** Share of the set, as of its last whole encoding, that may be appended in segments before it is encoded whole. */
    static final int GROWTH_DIVISOR = 4;
    /** Segments after which the whole set is encoded again in any case. */
    static final int MAX_SEGMENTS = 1024;

    private final Set<String> values;
    /** The last encoding (of {@code values} minus {@code added}), or {@code null}: never encoded. Never mutated. */
    private byte[] encoded;
    private int segments;
    /** Values at the last whole encoding, and appended in segments since. */
    private int wholeValues;
    private int appendedValues;
    /** Values added since {@link #encoded}; empty while it is {@code null}. */
    private final List<String> added = new ArrayList<>();

    public DistinctValues() {
        this.values = new HashSet<>();
    }

    private DistinctValues(Set<String> values) {
        this.values = values;
    }

    /** Adds one value ({@code null} counts as the value "null"). */
    public DistinctValues add(Object value) {
        track(String.valueOf(value));
        return this;
    }

    /** Adds every value of {@code other}: the union. */
    public DistinctValues merge(DistinctValues other) {
        if (other.values.size() > values.size()) {
            Set<String> bigger = new HashSet<>(other.values);
            bigger.addAll(values);
            return new DistinctValues(bigger);
        }
        for (String v : other.values) {
            track(v);
        }
        return this;
    }

    private void track(String value) {
        if (values.add(value) && encoded != null) {
            added.add(value);
        }
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
        if (acc.encoded != null && acc.added.isEmpty()) {
            return acc.encoded;
        }
        if (acc.encoded == null || acc.segments >= MAX_SEGMENTS
                || acc.appendedValues + acc.added.size() > acc.wholeValues / GROWTH_DIVISOR) {
            acc.encoded = segment(acc.values.toArray(new String[0]));
            acc.segments = 1;
            acc.wholeValues = acc.values.size();
            acc.appendedValues = 0;
        } else {
            byte[] next = segment(acc.added.toArray(new String[0]));
            byte[] joined = Arrays.copyOf(acc.encoded, acc.encoded.length + next.length);
            System.arraycopy(next, 0, joined, acc.encoded.length, next.length);
            acc.encoded = joined;
            acc.segments++;
            acc.appendedValues += acc.added.size();
        }
        acc.added.clear();
        return acc.encoded;
    }

    /** One segment: the values sorted and front-coded. */
    private static byte[] segment(String[] sorted) {
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
        Set<String> values = null;
        int pos = 0;
        int segments = 0;
        do {
            long[] read = VarLongCodec.read(bytes, pos);
            int count = checkedLength(read[0], bytes.length);
            if (values == null) {
                values = new HashSet<>(Math.max(16, count * 4 / 3 + 1));
            }
            pos = decodeSegment(bytes, (int) read[1], count, values);
            segments++;
        } while (pos < bytes.length);
        DistinctValues decoded = new DistinctValues(values);
        decoded.encoded = bytes.clone();  // encodes exactly these values: later additions append to it
        decoded.segments = segments;
        decoded.wholeValues = values.size();  // as if encoded whole: the next growth by a quarter re-sorts
        return decoded;
    }

    /** Adds the {@code count} values of the segment whose values start at {@code pos}; returns the end. */
    private static int decodeSegment(byte[] bytes, int pos, int count, Set<String> values) {
        long[] read;
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
        return pos;
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

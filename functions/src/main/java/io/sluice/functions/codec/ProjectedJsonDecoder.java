package io.sluice.functions.codec;

import java.util.List;

/**
 * A JSON-lines decoder that builds only the fields a pipeline reads (projection pushdown), for record types.
 *
 * <p>A hand-written scanner takes the common shape of a record: one flat object, no whitespace, every field of the
 * record exactly once and no other, strings of printable ASCII without escapes, integers without sign tricks,
 * leading zeros, fractions or exponents, at most 18 digits. It checks the fields the pipeline does not read as
 * strictly as those it reads (present, right type, in range) but never builds their values; strings it reads come
 * from a small cache ({@link AsciiStrings}). Anything else, valid or not, is decoded by the full decoder
 * ({@link JsonLinesDecoder}) and projected, so the records accepted and the reasons of the rejected are exactly the
 * full decoder's ({@code ProjectedDecodersPropertyTest}).
 *
 * <pre>{@code
 * RecordDecoder<Order> orders = ProjectedJsonDecoder.of(Order.class, List.of("category", "amount", "ts"));
 * Order o = orders.decode(line, 0, line.length);   // Order[orderId=null, userId=null, category=c-42, amount=1999, ts=...]
 * }</pre>
 *
 * @param <T> the record type
 */
public final class ProjectedJsonDecoder<T> implements RecordDecoder<T> {

    private final RecordShape<T> shape;
    private final JsonLinesDecoder<T> full;
    private final AsciiStrings strings = new AsciiStrings();
    private final long allFields;

    private ProjectedJsonDecoder(Class<T> type, List<String> fields) {
        this.shape = RecordShape.of(type, fields);
        this.full = JsonLinesDecoder.of(type);
        this.allFields = (1L << shape.size()) - 1;
    }

    /**
     * A decoder of {@code type} that builds only {@code fields}; the others keep {@code null} or {@code 0}.
     *
     * @throws IllegalArgumentException if {@code type} is not a record or a field is not one of its components
     */
    public static <T> ProjectedJsonDecoder<T> of(Class<T> type, List<String> fields) {
        return new ProjectedJsonDecoder<>(type, List.copyOf(fields));
    }

    @Override
    public T decode(byte[] bytes, int offset, int length) throws MalformedRecordException {
        T value = shape.scannable() ? scan(bytes, offset, length, shape.defaults()) : null;
        return value != null ? value : fallback(bytes, offset, length);
    }

    /** One argument array for the whole sequence: a record costs the record and its read values, nothing more. */
    @Override
    public Sequence<T> sequence(byte[] buffer, int end) {
        Object[] args = shape.defaults();
        return (offset, length) -> {
            T value = null;
            if (shape.scannable()) {
                shape.resetDefaults(args);
                value = scan(buffer, offset, length, args);
            }
            return value != null ? value : fallback(buffer, offset, length);
        };
    }

    private T fallback(byte[] bytes, int offset, int length) throws MalformedRecordException {
        return shape.project(full.decode(bytes, offset, length));
    }

    /** The record if the line has the common shape, else {@code null} (not a verdict: the full decoder decides). */
    private T scan(byte[] b, int offset, int length, Object[] args) {
        int p = offset;
        int end = offset + length;
        if (length < 2 || b[p] != '{') {
            return null;
        }
        p++;
        long seen = 0;
        int expected = 0;
        while (true) {
            if (p >= end || b[p] != '"') {
                return null;
            }
            int nameStart = ++p;
            int field;
            if (shape.quotedNameAt(expected, b, nameStart, end)) {
                // The name producers write next, then its quote: what the loop below would find, in one comparison.
                field = expected;
                p = nameStart + shape.nameLength(expected);
            } else {
                while (p < end && b[p] != '"') {
                    byte c = b[p];
                    if (c == '\\' || c < 0x20) {
                        return null;
                    }
                    p++;
                }
                if (p >= end) {
                    return null;
                }
                field = shape.indexOf(b, nameStart, p - nameStart, expected);
            }
            if (field < 0 || (seen & (1L << field)) != 0) {
                return null;   // unknown or repeated field: Jackson's rules decide
            }
            seen |= 1L << field;
            expected = field + 1;
            p++;
            if (p >= end || b[p] != ':') {
                return null;
            }
            p++;
            p = shape.kind(field) == RecordShape.Kind.STRING ? string(b, p, end, field, args) : number(b, p, end, field, args);
            if (p < 0 || p >= end) {
                return null;
            }
            if (b[p] == ',') {
                p++;
            } else if (b[p] == '}') {
                p++;
                break;
            } else {
                return null;
            }
        }
        if (p != end || seen != allFields) {
            return null;
        }
        return shape.create(args);
    }

    /** Scans a string value at {@code p}; the index after its closing quote, or -1. */
    private int string(byte[] b, int p, int end, int field, Object[] args) {
        if (p >= end || b[p] != '"') {
            return -1;
        }
        int start = ++p;
        if (!shape.read(field)) {
            // Not read: only checked. Plain bytes eight at a time, then the byte loop judges the one that stopped it.
            while (true) {
                p = AsciiWords.plainRunEnd(b, p, end);
                if (p >= end) {
                    return -1;
                }
                byte c = b[p];
                if (c == '"') {
                    return p + 1;
                }
                if (c == '\\' || c < 0x20 || c == 0x7f) {   // escapes, control and non-ASCII bytes (negative)
                    return -1;
                }
                p++;   // fewer than eight bytes were left: one at a time
            }
        }
        int hash = 0;   // String.hashCode's and the packed bytes, on the way: the cache need not read them again
        long packed = 0;
        while (p < end && b[p] != '"') {
            byte c = b[p];
            if (c == '\\' || c < 0x20 || c == 0x7f) {   // escapes, control and non-ASCII bytes (negative)
                return -1;
            }
            hash = 31 * hash + c;
            packed = packed << 8 | c;
            p++;
        }
        if (p >= end) {
            return -1;
        }
        args[field] = strings.get(b, start, p - start, hash, packed | (long) (p - start) << 56);
        return p + 1;
    }

    /** Scans an integer value at {@code p} in one pass; the index after it, or -1. */
    private int number(byte[] b, int p, int end, int field, Object[] args) {
        int i = p;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        int first = i;
        long value = 0;
        // Eight digits at a time while a word fits in the array; digits past the line's end are not the line's.
        int lastWord = b.length - Long.BYTES;
        while (i <= lastWord && i < end) {
            long w = AsciiWords.word(b, i);
            int k = Math.min(AsciiWords.leadingDigits(w), end - i);
            value = AsciiWords.append(value, w, k);
            i += k;
            if (k < Long.BYTES) {
                break;
            }
        }
        while (i < end) {   // the array's last few bytes (or nothing: the first loop stopped before a non-digit)
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            value = value * 10 + d;
            i++;
        }
        if (!Numbers.plain(b, first, i - first, negative)) {
            return -1;
        }
        if (negative) {
            value = -value;
        }
        if (shape.kind(field) == RecordShape.Kind.INT) {
            if (value != (int) value) {
                return -1;
            }
            if (shape.read(field)) {
                args[field] = (int) value;
            }
        } else if (shape.read(field)) {
            args[field] = value;
        }
        return i;
    }
}

package io.sluice.functions.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * A CSV decoder that builds only the fields a pipeline reads (projection pushdown), for record types whose
 * components are exactly the columns.
 *
 * <p>A hand-written scanner takes the common shape of a record: unquoted, non-empty columns of printable ASCII
 * without spaces, exactly as many as declared, integers as {@link Numbers} reads them. It checks the columns the
 * pipeline does not read as strictly as those it reads but never builds their values. A header line decodes to
 * {@code null}, as in {@link CsvRecordDecoder}; anything else (quotes, spaces, a missing or extra column, a number it
 * does not take) is decoded by the full decoder and projected, so records and reject reasons are the full decoder's.
 *
 * <pre>{@code
 * RecordDecoder<Order> orders = ProjectedCsvDecoder.of(Order.class,
 *         List.of("orderId", "userId", "category", "amount", "ts"), List.of("category", "amount", "ts"));
 * Order o = orders.decode(line, 0, line.length);   // "o-1,u-2,c-3,1999,1605052800123" -> Order[null, null, c-3, ...]
 * }</pre>
 *
 * @param <T> the record type
 */
public final class ProjectedCsvDecoder<T> implements RecordDecoder<T> {

    private final RecordShape<T> shape;
    private final CsvRecordDecoder<T> full;
    private final AsciiStrings strings = new AsciiStrings();
    /** The component of each column, in column order. */
    private final int[] columnFields;
    private final byte[] header;
    private final boolean scannable;

    private ProjectedCsvDecoder(Class<T> type, List<String> columns, List<String> fields) {
        this.shape = RecordShape.of(type, fields);
        this.full = CsvRecordDecoder.of(type, columns);
        this.columnFields = columns.stream().mapToInt(shape::indexOf).toArray();
        this.header = String.join(",", columns).getBytes(StandardCharsets.UTF_8);
        // Columns that are not exactly the components make Jackson refuse every record: let it say why.
        boolean sameFields = columns.size() == shape.size() && Arrays.stream(columnFields).allMatch(f -> f >= 0)
                && new HashSet<>(columns).size() == columns.size();
        this.scannable = shape.scannable() && sameFields;
    }

    /**
     * A decoder of records whose columns are {@code columns}, in that order, that builds only {@code fields}.
     *
     * @throws IllegalArgumentException if {@code type} is not a record, a field is not one of its components, or the
     *                                  columns are empty or repeat
     */
    public static <T> ProjectedCsvDecoder<T> of(Class<T> type, List<String> columns, List<String> fields) {
        return new ProjectedCsvDecoder<>(type, List.copyOf(columns), List.copyOf(fields));
    }

    /** The record, or {@code null} for a header line. */
    @Override
    public T decode(byte[] bytes, int offset, int length) throws MalformedRecordException {
        return decode(bytes, offset, length, shape.defaults());
    }

    /** One argument array for the whole sequence. */
    @Override
    public Sequence<T> sequence(byte[] buffer, int end) {
        Object[] args = shape.defaults();
        return (offset, length) -> {
            shape.resetDefaults(args);
            return decode(buffer, offset, length, args);
        };
    }

    private T decode(byte[] bytes, int offset, int length, Object[] args) throws MalformedRecordException {
        if (length == header.length && Arrays.equals(bytes, offset, offset + length, header, 0, header.length)) {
            return null;
        }
        T value = scannable ? scan(bytes, offset, length, args) : null;
        if (value != null) {
            return value;
        }
        T decoded = full.decode(bytes, offset, length);
        return decoded == null ? null : shape.project(decoded);
    }

    /** The record if the line has the common shape, else {@code null} (not a verdict: the full decoder decides). */
    private T scan(byte[] b, int offset, int length, Object[] args) {
        int p = offset;
        int end = offset + length;
        for (int column = 0; column < columnFields.length; column++) {
            int start = p;
            while (p < end && b[p] != ',') {
                byte c = b[p];
                if (c == '"' || c < 0x21 || c == 0x7f) {   // quotes, spaces, control and non-ASCII bytes (negative)
                    return null;
                }
                p++;
            }
            if (p == start) {
                return null;
            }
            int field = columnFields[column];
            if (!value(b, start, p, field, args)) {
                return null;
            }
            boolean last = column == columnFields.length - 1;
            if (last != (p == end)) {
                return null;   // a column missing or one too many
            }
            p++;
        }
        return shape.create(args);
    }

    private boolean value(byte[] b, int start, int end, int field, Object[] args) {
        RecordShape.Kind kind = shape.kind(field);
        if (kind == RecordShape.Kind.STRING) {
            if (shape.read(field)) {
                args[field] = strings.get(b, start, end - start);
            }
            return true;
        }
        long value = Numbers.parseExact(b, start, end);
        if (value == Numbers.NOT_PLAIN) {
            return false;
        }
        if (kind == RecordShape.Kind.INT && value != (int) value) {
            return false;
        }
        if (shape.read(field)) {
            args[field] = kind == RecordShape.Kind.INT ? (Object) (int) value : (Object) value;
        }
        return true;
    }
}

package io.sluice.functions.api;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where records come from and how they are decoded (JSON lines or CSV). The same source reads Kinesis records (stream mode), S3
 * objects and local files (batch mode); plain, gzip, and for Kinesis KPL-aggregated records are recognised by
 * the drivers.
 *
 * <pre>{@code
 * Source<Order> orders = Source.jsonLines(Order.class);                          // records up to 1 MiB
 * Source<Order> strict = Source.jsonLines(Order.class).withMaxRecordBytes(4096);
 * Source<Order> gmv = Source.jsonLines(Order.class).readingOnly("category", "amount", "ts");
 * }</pre>
 *
 * <p>A record that cannot be decoded (bad JSON, a missing or mistyped field, a number out of range, over the size
 * bound) is sent to the dead-letter output with its reason and counted; it never stops the pipeline.
 *
 * @param <T> the decoded record type
 */
public final class Source<T> {

    /** Default bound on one record: Kinesis' own record limit. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    /** Encodings a source can decode. */
    public enum Format {
        /** One JSON object per line (or per Kinesis record), bound to a record or bean class by Jackson. */
        JSON_LINES,
        /** One CSV record per line (RFC 4180), its columns bound by name; a header line is skipped and counted. */
        CSV
    }

    private final Format format;
    private final Class<T> type;
    private final int maxRecordBytes;
    private final List<String> columns;
    private final List<String> projection;

    private Source(Format format, Class<T> type, int maxRecordBytes, List<String> columns) {
        this(format, type, maxRecordBytes, columns, List.of());
    }

    private Source(Format format, Class<T> type, int maxRecordBytes, List<String> columns, List<String> projection) {
        if (maxRecordBytes < 16) {
            throw new IllegalArgumentException("maxRecordBytes must be >= 16 but was " + maxRecordBytes);
        }
        if (format == Format.CSV && (columns.isEmpty() || columns.stream().distinct().count() != columns.size())) {
            throw new IllegalArgumentException("CSV columns must be non-empty and distinct: " + columns);
        }
        this.format = format;
        this.type = Objects.requireNonNull(type, "type");
        this.maxRecordBytes = maxRecordBytes;
        this.columns = List.copyOf(columns);
        this.projection = List.copyOf(projection);
        checkProjection(type, this.projection);
    }

    private static void checkProjection(Class<?> type, List<String> fields) {
        if (fields.isEmpty()) {
            return;
        }
        if (!type.isRecord()) {
            throw new IllegalArgumentException("a projection needs a record type, not " + type.getName());
        }
        List<String> components = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
        for (String field : fields) {
            if (!components.contains(field)) {
                throw new IllegalArgumentException("no field [" + field + "] in " + type.getSimpleName() + " " + components);
            }
        }
        if (fields.stream().distinct().count() != fields.size()) {
            throw new IllegalArgumentException("projected fields repeat: " + fields);
        }
    }

    /**
     * JSON objects, one per line, bound to {@code type}. Every field of a record type is required; unknown fields
     * are ignored; numbers are not coerced from strings or truncated from decimals.
     */
    public static <T> Source<T> jsonLines(Class<T> type) {
        return new Source<>(Format.JSON_LINES, type, DEFAULT_MAX_RECORD_BYTES, List.of());
    }

    /**
     * CSV records whose columns, in this order, are bound by name to {@code type}'s properties:
     * {@code Source.csv(Order.class, "orderId", "userId", "category", "amount", "ts")} reads
     * {@code o-1,u-2,c-3,1999,1605052800123}. Every column is required; a line equal to the header
     * ({@code orderId,userId,category,amount,ts}) is skipped and counted, not rejected.
     *
     * @throws IllegalArgumentException if no columns are given or a name repeats
     */
    public static <T> Source<T> csv(Class<T> type, String... columns) {
        return new Source<>(Format.CSV, type, DEFAULT_MAX_RECORD_BYTES, List.of(columns));
    }

    /**
     * A copy that rejects records longer than {@code bytes}.
     *
     * @throws IllegalArgumentException if {@code bytes < 16}
     */
    public Source<T> withMaxRecordBytes(int bytes) {
        return new Source<>(format, type, bytes, columns, projection);
    }

    /**
     * A copy that materialises only {@code fields} of each record (projection pushdown into the decoder): the other
     * fields are still checked (present, of the right type, in range), so the same records are accepted and the
     * same rejected with the same reasons, but their values are not built: a step that reads one sees {@code null}
     * ({@code 0} for a primitive). The GMV pipelines read 3 of the 5 fields of an order.
     *
     * @throws IllegalArgumentException if {@code T} is not a record, a field is not one of its components, or a
     *                                  field repeats
     */
    public Source<T> readingOnly(String... fields) {
        return new Source<>(format, type, maxRecordBytes, columns, List.of(fields));
    }

    public Format format() {
        return format;
    }

    public Class<T> type() {
        return type;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** CSV column names in order; empty for JSON lines. */
    public List<String> columns() {
        return columns;
    }

    /** The fields the pipeline reads ({@link #readingOnly}); empty when it reads them all. */
    public List<String> projection() {
        return projection;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Source<?> s && format == s.format && type.equals(s.type)
                && maxRecordBytes == s.maxRecordBytes && columns.equals(s.columns) && projection.equals(s.projection);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, type, maxRecordBytes, columns, projection);
    }

    @Override
    public String toString() {
        return "Source[" + format + (columns.isEmpty() ? "" : " " + columns) + " of " + type.getSimpleName()
                + (projection.isEmpty() ? "" : " reading " + projection) + ", max " + maxRecordBytes + " bytes]";
    }
}

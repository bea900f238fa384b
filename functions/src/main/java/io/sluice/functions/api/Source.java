package io.sluice.functions.api;

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

    private Source(Format format, Class<T> type, int maxRecordBytes, List<String> columns) {
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
        return new Source<>(format, type, bytes, columns);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof Source<?> s && format == s.format && type.equals(s.type)
                && maxRecordBytes == s.maxRecordBytes && columns.equals(s.columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, type, maxRecordBytes, columns);
    }

    @Override
    public String toString() {
        return "Source[" + format + (columns.isEmpty() ? "" : " " + columns) + " of " + type.getSimpleName()
                + ", max " + maxRecordBytes + " bytes]";
    }
}

package io.sluice.functions.api;

import java.util.Objects;

/**
 * Where records come from and how they are decoded. The same source reads Kinesis records (stream mode), S3
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
        JSON_LINES
    }

    private final Format format;
    private final Class<T> type;
    private final int maxRecordBytes;

    private Source(Format format, Class<T> type, int maxRecordBytes) {
        if (maxRecordBytes < 16) {
            throw new IllegalArgumentException("maxRecordBytes must be >= 16 but was " + maxRecordBytes);
        }
        this.format = format;
        this.type = Objects.requireNonNull(type, "type");
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * JSON objects, one per line, bound to {@code type}. Every field of a record type is required; unknown fields
     * are ignored; numbers are not coerced from strings or truncated from decimals.
     */
    public static <T> Source<T> jsonLines(Class<T> type) {
        return new Source<>(Format.JSON_LINES, type, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * A copy that rejects records longer than {@code bytes}.
     *
     * @throws IllegalArgumentException if {@code bytes < 16}
     */
    public Source<T> withMaxRecordBytes(int bytes) {
        return new Source<>(format, type, bytes);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof Source<?> s && format == s.format && type.equals(s.type)
                && maxRecordBytes == s.maxRecordBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, type, maxRecordBytes);
    }

    @Override
    public String toString() {
        return "Source[" + format + " of " + type.getSimpleName() + ", max " + maxRecordBytes + " bytes]";
    }
}

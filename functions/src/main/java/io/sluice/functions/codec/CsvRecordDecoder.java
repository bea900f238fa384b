package io.sluice.functions.codec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one CSV record (RFC 4180: quoted fields, doubled quotes) into {@code T}, binding the columns, in the order
 * given, to the type's properties by name. As strict as {@link JsonLinesDecoder}: every column required and
 * non-empty, numbers in range and not truncated from decimals ({@code 19.99} is not a {@code long}), no extra
 * columns. A record equal to the header ({@code orderId,userId,category,amount,ts}) is not data: it decodes to
 * {@code null}, which the runtime skips and counts, so files and objects may start with a header line.
 *
 * <pre>{@code
 * RecordDecoder<Order> orders = CsvRecordDecoder.of(Order.class, List.of("orderId", "userId", "category", "amount", "ts"));
 * Order o = orders.decode(line, 0, line.length);   // "o-1,u-2,c-3,1999,1605052800123"
 * }</pre>
 *
 * @param <T> the decoded type
 */
public final class CsvRecordDecoder<T> implements RecordDecoder<T> {

    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(CsvParser.Feature.EMPTY_STRING_AS_NULL)
            .enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
            .build();

    private final ObjectReader reader;
    private final byte[] header;

    private CsvRecordDecoder(Class<T> type, List<String> columns) {
        CsvSchema.Builder schema = CsvSchema.builder();
        columns.forEach(schema::addColumn);
        this.reader = MAPPER.readerFor(type).with(schema.build().withoutHeader());
        this.header = String.join(",", columns).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A decoder of records whose columns are {@code columns}, in that order.
     *
     * @throws IllegalArgumentException if there are no columns, or a name repeats
     */
    public static <T> CsvRecordDecoder<T> of(Class<T> type, List<String> columns) {
        if (columns.isEmpty() || columns.stream().distinct().count() != columns.size()) {
            throw new IllegalArgumentException("CSV columns must be non-empty and distinct: " + columns);
        }
        return new CsvRecordDecoder<>(type, List.copyOf(columns));
    }

    /** The record, or {@code null} for a header line. */
    @Override
    public T decode(byte[] bytes, int offset, int length) throws MalformedRecordException {
        if (JsonLinesDecoder.isBlank(bytes, offset, length)) {
            throw new MalformedRecordException("empty record");
        }
        if (length == header.length && Arrays.equals(bytes, offset, offset + length, header, 0, header.length)) {
            return null;
        }
        try {
            T value = reader.readValue(bytes, offset, length);
            if (value == null) {
                throw new MalformedRecordException("empty record");
            }
            return value;
        } catch (IOException e) {
            throw new MalformedRecordException(BindingErrors.reason(e, "CSV", bytes, offset, length));
        }
    }
}

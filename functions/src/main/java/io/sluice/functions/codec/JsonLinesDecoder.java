package io.sluice.functions.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Decodes one JSON object per record into {@code T} with Jackson, strictly: every field of a record type is
 * required and non-null, numbers are neither coerced from strings nor truncated from decimals, out-of-range numbers
 * and trailing tokens are errors, unknown fields are ignored (producers may add fields).
 *
 * <pre>{@code
 * RecordDecoder<Order> orders = JsonLinesDecoder.of(Order.class);
 * Order o = orders.decode(line, 0, line.length);   // throws MalformedRecordException("field amount: missing")
 * }</pre>
 *
 * @param <T> the decoded type
 */
public final class JsonLinesDecoder<T> implements RecordDecoder<T> {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private final ObjectReader reader;
    /** Reads one of several root values of a region: the boundary check replaces the trailing-token check. */
    private final ObjectReader sequenceReader;

    private JsonLinesDecoder(Class<T> type) {
        this.reader = strictReader(type);
        this.sequenceReader = reader.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * The strict Jackson binding this decoder applies to one record, for code that must decode exactly as Sluice
     * does without going through the runtime (the benchmark's plain loop).
     */
    public static ObjectReader strictReader(Class<?> type) {
        return MAPPER.readerFor(type);
    }

    /** A decoder for {@code type}: a record or a bean Jackson can bind. */
    public static <T> JsonLinesDecoder<T> of(Class<T> type) {
        return new JsonLinesDecoder<>(type);
    }

    @Override
    public T decode(byte[] bytes, int offset, int length) throws MalformedRecordException {
        if (isBlank(bytes, offset, length)) {
            throw new MalformedRecordException(RejectReasons.EMPTY_RECORD);
        }
        try {
            T value = reader.readValue(bytes, offset, length);
            if (value == null) {
                throw new MalformedRecordException(RejectReasons.NOT_A_JSON_OBJECT);
            }
            return value;
        } catch (IOException e) {
            throw new MalformedRecordException(BindingErrors.reason(e, "JSON", bytes, offset, length));
        }
    }

    /**
     * One parser for the whole region: building a parser and its context per record is a fifth of the decoding
     * cost of short records. Each value must end exactly where its record ends; anything else (trailing data, a
     * record cut short that runs into the next, any error) is decoded again on its own, so results and reasons are
     * those of {@link #decode}, and the parser restarts after it.
     */
    @Override
    public Sequence<T> sequence(byte[] buffer, int end) {
        return new Sequence<>() {
            private JsonParser parser;
            private int base;
            private long position = -1;

            @Override
            public T next(int offset, int length) throws MalformedRecordException {
                if (length == 0 || isBlank(buffer, offset, length) || buffer[offset] != '{') {
                    return decode(buffer, offset, length);
                }
                try {
                    if (offset != position) {
                        restart(offset);
                    }
                    T value = sequenceReader.readValue(parser);
                    parser.clearCurrentToken();
                    position = base + parser.currentLocation().getByteOffset();
                    if (value != null && position == offset + length) {
                        return value;
                    }
                } catch (IOException | RuntimeException e) {
                    // fall through: decode alone for the precise reason
                }
                position = -1;
                return decode(buffer, offset, length);
            }

            @Override
            public void close() {
                if (parser != null) {
                    try {
                        parser.close();
                    } catch (IOException e) {
                        // a parser over a byte array has nothing to fail on close
                    }
                    parser = null;
                }
            }

            private void restart(int offset) throws IOException {
                close();
                parser = MAPPER.createParser(buffer, offset, end - offset);
                base = offset - (int) parser.currentLocation().getByteOffset();
            }
        };
    }

    static boolean isBlank(byte[] bytes, int offset, int length) {
        return RecordDecoder.isBlank(bytes, offset, length);
    }
}

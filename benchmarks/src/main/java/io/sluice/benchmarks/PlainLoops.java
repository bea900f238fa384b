package io.sluice.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.examples.Order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The practical limit: one thread, one loop over the file's lines, one {@link WindowTotals}. No batches, no state
 * store, no fences, no error handling beyond failing on the first bad line.
 *
 * <ul>
 *   <li>{@link #bind}: each line bound to {@link Order} by a Jackson {@code ObjectReader} configured exactly as
 *       Sluice's {@code JsonLinesDecoder} (strict creator properties, no coercion, trailing tokens rejected): the
 *       same decoding work as the engine, so the ratio isolates the engine's own overhead.</li>
 *   <li>{@link #stream}: each line read with Jackson's streaming {@code JsonParser}, materialising only the fields
 *       the result needs ({@code category} for keyed pipelines, {@code amount}, {@code ts}); the other fields are
 *       tokenised but never turned into strings. The faster honest plain approach.</li>
 * </ul>
 */
final class PlainLoops {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private PlainLoops() {
    }

    /** Lines bound to {@link Order} with Jackson databind; returns the number of records read. */
    static long bind(Path file, WindowTotals totals, boolean keyed) {
        ObjectReader reader = MAPPER.readerFor(Order.class);
        long n = 0;
        try (ByteLines lines = ByteLines.open(file)) {
            while (lines.next()) {
                Order o = reader.readValue(lines.buffer(), lines.offset(), lines.length());
                totals.add(o.ts(), keyed ? o.category() : "", o.amount());
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("line " + (n + 1) + " of " + file + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Lines read with Jackson's streaming parser; returns the number of records read. */
    static long stream(Path file, WindowTotals totals, boolean keyed) {
        JsonFactory factory = MAPPER.getFactory();
        long n = 0;
        try (ByteLines lines = ByteLines.open(file)) {
            while (lines.next()) {
                String category = null;
                long amount = 0;
                long ts = 0;
                int seen = 0;
                try (JsonParser p = factory.createParser(lines.buffer(), lines.offset(), lines.length())) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        throw new IOException("not a JSON object");
                    }
                    String field;
                    while ((field = p.nextFieldName()) != null) {
                        JsonToken value = p.nextToken();
                        switch (field) {
                            case "category" -> {
                                category = keyed ? p.getText() : "";
                                seen |= 1;
                            }
                            case "amount" -> {
                                amount = p.getLongValue();
                                seen |= 2;
                            }
                            case "ts" -> {
                                ts = p.getLongValue();
                                seen |= 4;
                            }
                            default -> {
                                if (value.isStructStart()) {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                }
                if (seen != 7) {
                    throw new IOException("missing field");
                }
                totals.add(ts, keyed ? category : "", amount);
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("line " + (n + 1) + " of " + file + ": " + e.getMessage(), e);
        }
        return n;
    }
}

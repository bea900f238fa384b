package io.sluice.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sluice.functions.codec.JsonLinesDecoder;
import io.sluice.functions.examples.Order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The practical limit: one thread, one loop over the file's lines, one {@link WindowTotals}. No batches, no state
 * store, no fences, no error handling beyond failing on the first bad line.
 *
 * <ul>
 *   <li>{@link #bind}: each line bound to {@link Order} by the very {@code ObjectReader} of
 *       Sluice's {@code JsonLinesDecoder} ({@code strictReader}) (strict creator properties, no coercion, trailing tokens rejected): the
 *       same decoding work as the engine, so the ratio isolates the engine's own overhead.</li>
 *   <li>{@link #stream}: each line read with Jackson's streaming {@code JsonParser}, materialising only the fields
 *       the result needs ({@code category} for keyed pipelines, {@code amount}, {@code ts}); the other fields are
 *       tokenised but never turned into strings. The faster honest plain approach.</li>
 *   <li>{@link #hand}: a hand-written scanner for flat JSON objects with string and integer values (no escapes,
 *       nesting or decimals: it fails on them, which the generated input never has), building only the
 *       {@code category} string. What a plain loop specialised to this input costs: the floor for any engine that
 *       decodes JSON into objects.</li>
 * </ul>
 */
final class PlainLoops {

    /** Sluice's own strict binding, so the loop decodes exactly as the engine does. */
    private static final ObjectReader ORDER_READER = JsonLinesDecoder.strictReader(Order.class);

    private PlainLoops() {
    }

    /** Lines bound to {@link Order} with Jackson databind; returns the number of records read. */
    static long bind(Path file, WindowTotals totals, boolean keyed) {
        ObjectReader reader = ORDER_READER;
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

    /** Lines read by a hand-written scanner of flat objects; returns the number of records read. */
    static long hand(Path file, WindowTotals totals, boolean keyed) {
        long n = 0;
        try (ByteLines lines = ByteLines.open(file)) {
            FlatScanner scan = new FlatScanner();
            while (lines.next()) {
                scan.line(lines.buffer(), lines.offset(), lines.length(), keyed);
                totals.add(scan.ts, scan.category, scan.amount);
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("line " + (n + 1) + " of " + file + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Lines read with Jackson's streaming parser; returns the number of records read. */
    static long stream(Path file, WindowTotals totals, boolean keyed) {
        JsonFactory factory = ORDER_READER.getFactory();
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

    /** The fields {@link #hand} needs from one line: {@code category}, {@code amount}, {@code ts}. */
    private static final class FlatScanner {
        private static final byte[] CATEGORY = "category".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] AMOUNT = "amount".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] TS = "ts".getBytes(StandardCharsets.US_ASCII);

        private byte[] b;
        private int i;
        private int end;
        String category;
        long amount;
        long ts;

        void line(byte[] bytes, int offset, int length, boolean keyed) throws IOException {
            b = bytes;
            i = offset;
            end = offset + length;
            int seen = 0;
            expect('{');
            boolean more = peek() != '}';
            while (more) {
                expect('"');
                int keyStart = i;
                int keyEnd = stringEnd();
                expect(':');
                if (peek() == '"') {
                    i++;
                    int valueStart = i;
                    int valueEnd = stringEnd();
                    if (is(CATEGORY, keyStart, keyEnd)) {
                        category = keyed
                                ? new String(b, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8) : "";
                        seen |= 1;
                    }
                } else if (is(AMOUNT, keyStart, keyEnd)) {
                    amount = integer();
                    seen |= 2;
                } else if (is(TS, keyStart, keyEnd)) {
                    ts = integer();
                    seen |= 4;
                } else {
                    integer();
                }
                more = peek() == ',';
                if (more) {
                    i++;
                }
            }
            expect('}');
            if (peek() != -1) {
                throw new IOException("trailing data after the JSON object");
            }
            if (seen != 7) {
                throw new IOException("missing field");
            }
        }

        /** The next non-blank byte without consuming it, or -1 at the end of the line. */
        private int peek() {
            while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
                i++;
            }
            return i < end ? b[i] : -1;
        }

        private void expect(char c) throws IOException {
            if (peek() != c) {
                throw new IOException("expected '" + c + "' at byte " + i);
            }
            i++;
        }

        /** Consumes a string body after its opening quote; returns the index of its closing quote. */
        private int stringEnd() throws IOException {
            while (i < end && b[i] != '"') {
                if (b[i] == '\\') {
                    throw new IOException("escapes are not supported");
                }
                i++;
            }
            if (i == end) {
                throw new IOException("unterminated string");
            }
            return i++;
        }

        private long integer() throws IOException {
            boolean negative = peek() == '-';
            if (negative) {
                i++;
            }
            int start = i;
            long v = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                v = Math.addExact(Math.multiplyExact(v, 10), b[i] - '0');
                i++;
            }
            if (i == start || (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
                throw new IOException("expected an integer at byte " + start);
            }
            return negative ? -v : v;
        }

        private boolean is(byte[] name, int from, int to) {
            if (to - from != name.length) {
                return false;
            }
            for (int k = 0; k < name.length; k++) {
                if (b[from + k] != name[k]) {
                    return false;
                }
            }
            return true;
        }
    }
}

package io.sluice.functions.codec;

import io.sluice.functions.examples.Order;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projected decoders against the full ones on random lines, valid and malformed: the same lines accepted with
 * the same values in the projected fields (the others at their defaults), the same lines rejected with the same
 * reasons, one by one and as a sequence. A failure names the seed and the line.
 */
class ProjectedDecodersPropertyTest {

    /** A record with an {@code int}, to cover the narrower range check. */
    record Tick(String symbol, int quantity, long ts) {
    }

    private static final List<String> ORDER_FIELDS = List.of("orderId", "userId", "category", "amount", "ts");
    private static final List<String> GMV_READS = List.of("category", "amount", "ts");
    private static final long SEED = 15L;
    private static final int LINES = 10_000;

    @Test
    void projectedJson_acceptsAndRejectsExactlyAsTheFullDecoder_onRandomLines() throws Exception {
        Random random = new Random(SEED);
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            lines.add(random.nextInt(3) == 0 ? JsonLines.mutate(random, JsonLines.order(random))
                    : JsonLines.order(random));
        }
        Tally tally = compare(JsonLinesDecoder.of(Order.class), ProjectedJsonDecoder.of(Order.class, GMV_READS),
                RecordShape.of(Order.class, GMV_READS), lines);
        assertThat(tally.accepted).isGreaterThan(LINES / 3);
        assertThat(tally.rejected).isGreaterThan(LINES / 10);
    }

    @Test
    void projectedJson_aNameThatOnlyStartsAsTheNextFieldsName_isJudgedAsTheFullDecoderJudgesIt() throws Exception {
        String head = "{\"orderId\":\"o-1\",\"userId\":\"u-1\",\"category\":\"c-1\",";
        List<byte[]> lines = new ArrayList<>();
        for (String rest : List.of("\"amount\\:5,\"ts\":7}", "\"amountx\":5,\"ts\":7}", "\"amoun\":5,\"ts\":7}",
                "\"amount", "\"amount\"", "\"amount\":5,\"ts", "\"amount\":5,\"tsx\":7}", "\"amount\":5,\"ts\":7}")) {
            lines.add((head + rest).getBytes(StandardCharsets.UTF_8));
        }
        Tally tally = compare(JsonLinesDecoder.of(Order.class), ProjectedJsonDecoder.of(Order.class, GMV_READS),
                RecordShape.of(Order.class, GMV_READS), lines);
        assertThat(tally.accepted).isEqualTo(1);
    }

    @Test
    void projectedJson_ofARecordWithAnInt_acceptsAndRejectsExactlyAsTheFullDecoder() throws Exception {
        Random random = new Random(SEED + 1);
        List<String> reads = List.of("quantity");
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < LINES / 4; i++) {
            String line = "{\"symbol\":" + JsonLines.string(random) + ",\"quantity\":" + JsonLines.number(random)
                    + ",\"ts\":" + JsonLines.number(random) + "}";
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            lines.add(random.nextInt(3) == 0 ? JsonLines.mutate(random, bytes) : bytes);
        }
        Tally tally = compare(JsonLinesDecoder.of(Tick.class), ProjectedJsonDecoder.of(Tick.class, reads),
                RecordShape.of(Tick.class, reads), lines);
        assertThat(tally.accepted).isGreaterThan(LINES / 100);
        assertThat(tally.rejected).isGreaterThan(LINES / 10);
    }

    @Test
    void projectedCsv_acceptsAndRejectsExactlyAsTheFullDecoder_onRandomLines() throws Exception {
        Random random = new Random(SEED + 2);
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            byte[] line = i % 1000 == 0 ? String.join(",", ORDER_FIELDS).getBytes(StandardCharsets.UTF_8)
                    : CsvLines.order(random);
            lines.add(random.nextInt(3) == 0 ? CsvLines.mutate(random, line) : line);
        }
        Tally tally = compare(CsvRecordDecoder.of(Order.class, ORDER_FIELDS),
                ProjectedCsvDecoder.of(Order.class, ORDER_FIELDS, GMV_READS), RecordShape.of(Order.class, GMV_READS),
                lines);
        assertThat(tally.accepted).isGreaterThan(LINES / 3);
        assertThat(tally.rejected).isGreaterThan(LINES / 10);
        assertThat(tally.headers).isPositive();
    }

    @Test
    void projectedCsv_withColumnsInAnotherOrder_decodesByName() throws Exception {
        List<String> columns = List.of("ts", "amount", "category", "userId", "orderId");
        byte[] line = "1605052800123,1999,c-3,u-2,o-1".getBytes(StandardCharsets.UTF_8);
        Order order = ProjectedCsvDecoder.of(Order.class, columns, GMV_READS).decode(line, 0, line.length);
        assertThat(order).isEqualTo(new Order(null, null, "c-3", 1999, 1605052800123L));
    }

    @Test
    void projectedJson_leavesTheFieldsItDoesNotRead_atTheirDefaults() throws Exception {
        byte[] line = new Order("o-1", "u-2", "c-3", 1999, 1605052800123L).toJson().getBytes(StandardCharsets.UTF_8);
        Order order = ProjectedJsonDecoder.of(Order.class, GMV_READS).decode(line, 0, line.length);
        assertThat(order).isEqualTo(new Order(null, null, "c-3", 1999, 1605052800123L));
        Order ids = ProjectedJsonDecoder.of(Order.class, List.of("orderId")).decode(line, 0, line.length);
        assertThat(ids).isEqualTo(new Order("o-1", null, null, 0, 0));
    }

    private static final byte[][] FILLERS = {{}, "0123456789".getBytes(StandardCharsets.US_ASCII), {'"'}, {'7'},
            "\n".getBytes(StandardCharsets.US_ASCII)};

    private static <T> Tally compare(RecordDecoder<T> full, RecordDecoder<T> projected, RecordShape<T> shape,
                                     List<byte[]> lines) throws Exception {
        Tally tally = new Tally();
        ByteArrayOutputStream region = new ByteArrayOutputStream();
        int[] offsets = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            offsets[i] = region.size();
            region.write(lines.get(i));
            // Bytes after a line's end are not its own: digits right after a number that ends a line, a quote after
            // a string, are read by the eight-byte scans and must not be taken for the line's (AsciiWords).
            region.write(FILLERS[i % FILLERS.length]);
        }
        byte[] all = region.toByteArray();
        try (RecordDecoder.Sequence<T> sequence = projected.sequence(all, all.length)) {
            for (int i = 0; i < lines.size(); i++) {
                byte[] line = lines.get(i);
                String expected = outcome(() -> projected(full.decode(line, 0, line.length), shape));
                int offset = offsets[i];
                // Jackson's CSV reader may look past a slice's end at a broken UTF-8 sequence: in a region, the
                // full decoder's reason can name the next record's bytes, so the sequence is held to it there.
                String expectedInRegion = outcome(() -> projected(full.decode(all, offset, line.length), shape));
                String shown = "seed " + SEED + ", line " + i + ": " + new String(line, StandardCharsets.UTF_8);
                assertThat(outcome(() -> projected.decode(line, 0, line.length))).as(shown).isEqualTo(expected);
                assertThat(outcome(() -> sequence.next(offset, line.length))).as("sequence, " + shown)
                        .isEqualTo(expectedInRegion);
                tally.count(expected);
            }
        }
        return tally;
    }

    private static <T> T projected(T value, RecordShape<T> shape) {
        return value == null ? null : shape.project(value);
    }

    private static String outcome(Decode<?> decode) {
        try {
            return "record " + Objects.toString(decode.run());
        } catch (MalformedRecordException e) {
            return "rejected: " + e.getMessage();
        }
    }

    @FunctionalInterface
    private interface Decode<T> {
        T run() throws MalformedRecordException;
    }

    private static final class Tally {
        int accepted;
        int rejected;
        int headers;

        void count(String outcome) {
            if (outcome.equals("record null")) {
                headers++;
            } else if (outcome.startsWith("record")) {
                accepted++;
            } else {
                rejected++;
            }
        }
    }

    /** Random JSON lines of orders: mostly the canonical shape, often not (spaces, escapes, extra fields). */
    static final class JsonLines {

        private static final String[] ODD_VALUES = {"null", "true", "1.5", "1e3", "\"12\"", "[]", "{}", "-0", "007",
                "+1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "123456789012345678",
                "1234567890123456789", "\"\"", "\"a\\\"b\"", "\"\\u00e9\"", "2147483648", "-2147483649", "0"};

        static byte[] order(Random r) {
            List<String> fields = new ArrayList<>(List.of(
                    "\"orderId\":" + string(r), "\"userId\":" + string(r), "\"category\":" + string(r),
                    "\"amount\":" + number(r), "\"ts\":" + number(r)));
            if (r.nextInt(8) == 0) {
                Collections.shuffle(fields, r);
            }
            if (r.nextInt(10) == 0) {
                fields.add(r.nextInt(fields.size() + 1), "\"extra\":" + (r.nextBoolean() ? "[1,{\"a\":2}]" : string(r)));
            }
            String sep = r.nextInt(12) == 0 ? ", " : ",";
            String colon = r.nextInt(12) == 0 ? " : " : ":";
            String body = String.join(sep, fields).replace("\":", "\"" + colon.stripTrailing() + colon.substring(colon.stripTrailing().length()));
            String line = "{" + body + "}";
            if (r.nextInt(20) == 0) {
                line = r.nextBoolean() ? " " + line : line + " ";
            }
            return line.getBytes(StandardCharsets.UTF_8);
        }

        static String string(Random r) {
            int kind = r.nextInt(20);
            return switch (kind) {
                case 0 -> "\"c-\\\"q\"";
                case 1 -> "\"caf\u00e9\"";
                case 2 -> "\"\\u0063-1\"";
                case 3 -> "\"\"";
                case 4 -> "\"a b\"";
                case 5 -> "\"tab\\tx\"";
                case 6 -> "\"\ud83d\ude00\"";
                case 7 -> "\"~!@#$%^&*()_+{}|:<>?`-=[];',./\"";
                default -> "\"" + (char) ('a' + r.nextInt(26)) + "-" + r.nextInt(2000) + "\"";
            };
        }

        static String number(Random r) {
            int kind = r.nextInt(12);
            return switch (kind) {
                case 0 -> ODD_VALUES[r.nextInt(ODD_VALUES.length)];
                case 1 -> Long.toString(r.nextLong());
                case 2 -> Long.toString(-r.nextInt(1000));
                default -> Long.toString(1_605_052_800_000L + r.nextInt(10_000_000));
            };
        }

        /** A broken copy: bytes dropped, inserted, replaced, or the line cut short. */
        static byte[] mutate(Random r, byte[] line) {
            byte[][] inserts = {{'"'}, {','}, {'}'}, {'{'}, {':'}, {'\\'}, {'-'}, {'0'}, {'.'}, {'e'}, {' '},
                    {(byte) 0x80}, {(byte) 0xff}, {(byte) 0xc3}, {'n'}, {'\t'}, {0}, {(byte) 0xed, (byte) 0xb1, (byte) 0x99}};
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = r.nextInt(line.length + 1);
            switch (r.nextInt(4)) {
                case 0 -> {   // drop a few bytes
                    int n = 1 + r.nextInt(Math.min(8, Math.max(1, line.length - at)));
                    out.write(line, 0, at);
                    if (at + n < line.length) {
                        out.write(line, at + n, line.length - at - n);
                    }
                }
                case 1 -> {   // insert one odd byte sequence
                    out.write(line, 0, at);
                    out.writeBytes(inserts[r.nextInt(inserts.length)]);
                    out.write(line, at, line.length - at);
                }
                case 2 -> {   // replace one byte
                    out.writeBytes(line);
                    byte[] b = out.toByteArray();
                    if (b.length > 0) {
                        b[Math.min(at, b.length - 1)] = inserts[r.nextInt(inserts.length)][0];
                    }
                    return b;
                }
                default -> out.write(line, 0, at);   // cut short
            }
            return out.toByteArray();
        }
    }

    /** Random CSV lines of orders in column order {@code orderId,userId,category,amount,ts}. */
    static final class CsvLines {

        private static final String[] ODD_STRINGS = {"\"c,1\"", "\"c\"\"q\"", "\"c-1\"", " c-1", "c-1 ", "caf\u00e9", "",
                "\"\"", "c\u0000", "=1+2"};
        private static final String[] ODD_NUMBERS = {"1.5", "1e3", " 12", "12 ", "+1", "007", "-0", "\"12\"", "",
                "9223372036854775807", "9223372036854775808", "123456789012345678", "1234567890123456789", "0", "x"};

        static byte[] order(Random r) {
            String line = String.join(",", string(r), string(r), string(r), number(r), number(r));
            return line.getBytes(StandardCharsets.UTF_8);
        }

        private static String string(Random r) {
            return r.nextInt(12) == 0 ? ODD_STRINGS[r.nextInt(ODD_STRINGS.length)]
                    : (char) ('a' + r.nextInt(26)) + "-" + r.nextInt(2000);
        }

        private static String number(Random r) {
            int kind = r.nextInt(12);
            return switch (kind) {
                case 0 -> ODD_NUMBERS[r.nextInt(ODD_NUMBERS.length)];
                case 1 -> Long.toString(r.nextLong());
                case 2 -> Long.toString(-r.nextInt(1000));
                default -> Long.toString(1_605_052_800_000L + r.nextInt(10_000_000));
            };
        }

        static byte[] mutate(Random r, byte[] line) {
            if (r.nextInt(6) == 0) {
                String s = new String(line, StandardCharsets.UTF_8);
                return (r.nextBoolean() ? s + ",extra" : s.substring(0, Math.max(0, s.lastIndexOf(','))))
                        .getBytes(StandardCharsets.UTF_8);
            }
            return JsonLines.mutate(r, line);
        }
    }
}

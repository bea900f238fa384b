package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.localstack.esm.KinesisEventJson;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scanner against the Jackson reader. Whenever the scanner answers, Jackson reads the same input without error
 * and gives the same value of every field the operator reads; on the event source mapping's own JSON (ASCII keys) it
 * always answers, so the fast path is the one taken. Inputs: random events, then random variations of their JSON
 * (whitespace, field order, unknown nested fields, repeated fields, escapes, unicode, nulls, wrong types, numbers and
 * base64 in and out of the grammar), every truncation of some, and random byte changes.
 */
class KinesisEventScannerTest {

    private static final long SEED = Long.getLong("sluice.test.seed", 24);
    /** What a changed byte becomes: structure, digits, letters of the literals, escapes, a control character. */
    private static final String CHANGES = " \"{}[],:0159.eE-+ntrufalsxA\\/\u0001=\u00e9";

    @Test
    void scan_answersAsJacksonDoes_onTheMappingsOwnJson() {
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            byte[] json = KinesisEventJson.toBytes(asciiEvent(random, random.nextInt(40)));

            List<KinesisEvent.KinesisEventRecord> scanned = KinesisEventScanner.scan(json);

            assertThat(scanned).as("event %d (seed %d): the fast path gave up", i, SEED).isNotNull();
            assertThat(fields(scanned)).as("event %d (seed %d)", i, SEED)
                    .isEqualTo(fields(KinesisEventReader.readWithJackson(json)));
        }
    }

    @Test
    void scan_answersOnlyAsJacksonDoes_onRandomVariationsOfTheJson() {
        Random random = new Random(SEED + 1);
        int answered = 0;
        int refusedByJackson = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] json = variation(random, asciiEvent(random, random.nextInt(6))).getBytes(StandardCharsets.UTF_8);

            Object jackson = jackson(json);
            List<KinesisEvent.KinesisEventRecord> scanned = KinesisEventScanner.scan(json);

            refusedByJackson += jackson instanceof String ? 1 : 0;
            if (scanned != null) {
                answered++;
                assertThat(fields(scanned)).as("variation %d (seed %d): %s", i, SEED + 1, new String(json,
                        StandardCharsets.UTF_8)).isEqualTo(jackson);
            }
        }
        // Both kinds are drawn often enough to mean something.
        assertThat(answered).isGreaterThan(300);
        assertThat(refusedByJackson).isGreaterThan(300);
    }

    @Test
    void scan_answersOnlyAsJacksonDoes_onEveryTruncationAndOnChangedBytes() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < 20; i++) {
            byte[] json = (random.nextBoolean() ? KinesisEventJson.toBytes(asciiEvent(random, 1 + random.nextInt(3)))
                    : variation(random, asciiEvent(random, 1 + random.nextInt(3))).getBytes(StandardCharsets.UTF_8));
            for (int length = 0; length <= json.length; length++) {
                assertAgrees(Arrays.copyOf(json, length), "truncated to " + length);
            }
            for (int k = 0; k < 200; k++) {
                byte[] changed = json.clone();
                changed[random.nextInt(changed.length)] = (byte) CHANGES.charAt(random.nextInt(CHANGES.length()));
                assertAgrees(changed, "a byte changed");
            }
        }
    }

    @Test
    void scan_givesUp_whereJacksonRefusesOrDecodesDifferently() {
        String record = "{\"Records\":[{\"eventID\":\"shardId-1:7\",\"kinesis\":{\"sequenceNumber\":\"7\","
                + "\"data\":%s,\"approximateArrivalTimestamp\":%s}}]}";
        for (String arrival : List.of("01545084650", "1545084650.", "-", "+1", "1e", "1e+", ".5", "1545084650x",
                "1.5.5", "--1", "nul", "nullx", "\"1\"", "true", "{}", "1" + "0".repeat(70))) {
            assertGivesUp(String.format(record, "\"\"", arrival), arrival);
        }
        for (String data : List.of("\"SGVsbG8\"", "\"SGVsbG8==\"", "\"S\"", "\"====\"", "\"SGV=sbG8\"", "\"-_-_\"",
                "\"SGVs bG8=\"", "\"SGVsbG8=\\u0041\"", "1", "{}", "\"SGVsbG8\u00e9=\"")) {
            assertGivesUp(String.format(record, data, "1"), data);
        }
        for (String json : List.of("\uFEFF{}", "{\"Records\":{}}", "{\"Records\":[1]}", "{\"Records\":[{\"kinesis\":1}]}",
                "{\"Records\":[{\"eventID\":1}]}", "{\"Records\":[{\"event\\u0049D\":\"x\"}]}", "{\"a\":[1,]}",
                "{\"a\":\u000b1}", "{\"a\":\"\t\"}", "{\"a\":1", "{\"a\"}", "[]", "",
                "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}")) {
            assertGivesUp(json, json);
        }
        assertThat(KinesisEventScanner.scan("{\"a\":[[[{\"b\":-0.5E+3}],true,false,null]]} trailing".getBytes(
                StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void scan_readsArrivalTimesAsTheJdkParsesThem_forRandomDecimals() {
        Random random = new Random(SEED + 3);
        for (int i = 0; i < 100_000; i++) {
            int digits = 1 + random.nextInt(18);
            String number = Long.toString(Math.abs(random.nextLong()) % (long) Math.pow(10, Math.min(digits, 18)));
            int point = random.nextInt(number.length() + 1);
            if (point < number.length() && point > 0) {
                number = number.substring(0, point) + "." + number.substring(point);
            }
            String json = "{\"Records\":[{\"kinesis\":{\"approximateArrivalTimestamp\":" + number
                    + (random.nextBoolean() ? " " : "") + "}}]}";

            List<KinesisEvent.KinesisEventRecord> scanned = KinesisEventScanner.scan(json.getBytes(
                    StandardCharsets.UTF_8));

            assertThat(scanned).as(number).isNotNull();
            assertThat(scanned.get(0).getKinesis().getApproximateArrivalTimestamp().getTime()).as(number)
                    .isEqualTo((long) (Double.parseDouble(number) * 1000));
        }
    }

    private static void assertGivesUp(String json, String what) {
        assertThat(KinesisEventScanner.scan(json.getBytes(StandardCharsets.UTF_8))).as(what).isNull();
    }

    private static void assertAgrees(byte[] json, String what) {
        List<KinesisEvent.KinesisEventRecord> scanned = KinesisEventScanner.scan(json);
        if (scanned != null) {
            assertThat(fields(scanned)).as(what + ": " + new String(json, StandardCharsets.UTF_8)).isEqualTo(
                    jackson(json));
        }
    }

    /** Jackson's fields, or "refused" if it refuses the input. */
    private static Object jackson(byte[] json) {
        try {
            return fields(KinesisEventReader.readWithJackson(json));
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    private static List<List<Object>> fields(List<KinesisEvent.KinesisEventRecord> records) {
        return records.stream().map(RandomKinesisEvents::fields).toList();
    }

    private static KinesisEvent asciiEvent(Random random, int records) {
        return RandomKinesisEvents.event(random, records, 300, (r, length) -> ascii(r, Math.min(length, 64)));
    }

    /** Printable ASCII, quotes and backslashes excluded: what the mapping writes without an escape. */
    private static String ascii(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            char c = (char) (0x20 + random.nextInt(0x60));
            if (c != '"' && c != '\\') {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** The event's JSON written by hand with random variations, valid or not. */
    private static String variation(Random random, KinesisEvent event) {
        List<String> top = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            records.add(random.nextInt(40) == 0 ? "null" : record(random, r));
        }
        String array = random.nextInt(50) == 0 ? "null" : "[" + ws(random) + String.join("," + ws(random), records)
                + ws(random) + "]";
        top.add(str(random, "Records") + ws(random) + ":" + ws(random) + array);
        if (random.nextInt(4) == 0) {
            top.add(str(random, "window") + ":" + junk(random, 0));
        }
        if (random.nextInt(20) == 0) {
            top.add(str(random, "Records") + ":" + array);   // Jackson appends both arrays' records
        }
        Collections.shuffle(top, random);
        String json = ws(random) + "{" + ws(random) + String.join("," + ws(random), top) + ws(random) + "}"
                + ws(random);
        return random.nextInt(30) == 0 ? "\uFEFF" + json : json;
    }

    private static String record(Random random, KinesisEvent.KinesisEventRecord r) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        KinesisEvent.Record k = r.getKinesis();
        fields.add(Map.entry("kinesis", k == null ? "null" : kinesis(random, k)));
        fields.add(Map.entry("eventSource", text(random, r.getEventSource())));
        fields.add(Map.entry("eventID", text(random, r.getEventID())));
        fields.add(Map.entry("eventSourceARN", text(random, r.getEventSourceARN())));
        fields.add(Map.entry("awsRegion", text(random, r.getAwsRegion())));
        return object(random, fields);
    }

    private static String kinesis(Random random, KinesisEvent.Record k) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        fields.add(Map.entry("kinesisSchemaVersion", text(random, k.getKinesisSchemaVersion())));
        fields.add(Map.entry("partitionKey", text(random, k.getPartitionKey())));
        fields.add(Map.entry("sequenceNumber", text(random, k.getSequenceNumber())));
        fields.add(Map.entry("data", data(random, k.getData())));
        fields.add(Map.entry("approximateArrivalTimestamp", arrival(random, k.getApproximateArrivalTimestamp())));
        return object(random, fields);
    }

    /** Fields shuffled, unknown ones added, some repeated, some values of the wrong type. */
    private static String object(Random random, List<Map.Entry<String, String>> fields) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> f : fields) {
            String value = random.nextInt(60) == 0 ? junk(random, 0) : f.getValue();
            out.add(str(random, f.getKey()) + ws(random) + ":" + ws(random) + value);
            if (random.nextInt(40) == 0) {
                out.add(str(random, f.getKey()) + ":" + junk(random, 0));
            }
        }
        if (random.nextInt(3) == 0) {
            out.add(str(random, "extra" + random.nextInt(3)) + ":" + ws(random) + junk(random, 0));
        }
        if (random.nextBoolean()) {
            Collections.shuffle(out, random);
        }
        return "{" + ws(random) + String.join(ws(random) + "," + ws(random), out) + ws(random) + "}";
    }

    private static String text(Random random, String value) {
        return value == null ? "null" : str(random, value);
    }

    /** A JSON string of {@code value}, now and then with escapes, raw unicode or a raw control character. */
    private static String str(Random random, String value) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (random.nextInt(5_000)) {   // rare: most variations stay in the scanner's subset
                case 0 -> s.append(String.format("\\u%04x", (int) c));
                case 1 -> s.append("\\\"");
                case 2 -> s.append("é");
                case 3 -> s.append('\t');   // raw: Jackson refuses it
                case 4 -> s.append("\\/");
                default -> s.append(c == '"' || c == '\\' ? "\\" + c : String.valueOf(c));
            }
        }
        return s.append('"').toString();
    }

    private static String data(Random random, ByteBuffer data) {
        if (data == null) {
            return "null";
        }
        String b64 = Base64.getEncoder().encodeToString(KinesisRecordBatch.bytes(data));
        return switch (random.nextInt(12)) {
            case 0 -> "\"" + b64.replace("=", "") + "\"";                        // padding missing
            case 1 -> "\"" + b64.replace('+', '-').replace('/', '_') + "\"";     // URL alphabet
            case 2 -> "\"" + (b64.length() > 4 ? b64.substring(0, 4) + " " + b64.substring(4) : b64) + "\"";
            case 3 -> "\"" + b64 + "=\"";
            case 4 -> "\"SGVsbG9=\"";                                            // non-zero trailing bits
            case 5 -> "\"====\"";
            default -> "\"" + b64 + "\"";
        };
    }

    private static String arrival(Random random, Date arrival) {
        if (arrival == null) {
            return "null";
        }
        long ms = arrival.getTime();
        return switch (random.nextInt(14)) {
            case 0 -> String.format("%.12E", ms / 1000.0);
            case 1 -> Long.toString(ms / 1000);
            case 2 -> "0" + ms / 1000;                 // leading zero: refused
            case 3 -> ms / 1000 + ".";                 // no digits after the point: refused
            case 4 -> "+" + ms / 1000;                 // refused
            case 5 -> "-0";
            case 6 -> ms / 1000 + "e0";
            case 7 -> "\"" + ms / 1000 + "\"";         // a string: refused
            case 8 -> ms / 1000 + "x";                 // refused
            case 9 -> "1" + "0".repeat(70);            // longer than the scanner takes
            default -> java.math.BigDecimal.valueOf(ms, 3).toPlainString();
        };
    }

    /** A random JSON value, valid or now and then not. */
    private static String junk(Random random, int depth) {
        int pick = random.nextInt(depth > 3 ? 8 : 11);
        return switch (pick) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "false";
            case 3 -> Integer.toString(random.nextInt(2000) - 1000);
            case 4 -> "1.5e-3";
            case 5 -> str(random, "x" + random.nextInt(100));
            case 6 -> random.nextBoolean() ? "nul" : "tru";        // refused
            case 7 -> "\"\\u00e9\\n\"";
            case 8 -> "[" + ws(random) + junk(random, depth + 1) + "," + junk(random, depth + 1) + "]";
            case 9 -> "{" + str(random, "a") + ":" + junk(random, depth + 1) + "}";
            default -> "[]";
        };
    }

    private static String ws(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t";
            case 3 -> "\r\n";
            case 4 -> random.nextInt(20) == 0 ? "\u000b" : "";   // not JSON whitespace: refused
            default -> "";
        };
    }
}

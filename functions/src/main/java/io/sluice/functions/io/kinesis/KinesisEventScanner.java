package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.codec.AsciiWords;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * {@link KinesisEventReader}'s fast path: the invocation's JSON scanned byte by byte for the fields the operator
 * reads, where Jackson tokenizes every field name and string of ~660 bytes of envelope per record (most of the
 * handler's CPU for the event, BENCHMARKS.md, issue 15).
 *
 * <p>It accepts a subset of JSON on which it gives exactly what the Jackson reader gives, and gives up
 * ({@link #scan} returns null) on anything else, so the reader parses that input with Jackson, whose answer, result
 * or error, then stands. The subset is what an event source mapping sends: strings of printable ASCII without escapes
 * (a string holding a backslash, a control character or a non-ASCII byte makes it give up), numbers in JSON's
 * grammar of at most 64 characters, {@code true}, {@code false}, {@code null}, JSON's four whitespace characters,
 * values nested at most 32 deep, and a leading brace (no byte order mark, no UTF-16). Field order is free;
 * unknown fields are skipped; a repeated field is set again, as Jackson's reader does. {@code data} is canonical
 * base64, with padding, decoded by {@link CanonicalBase64}; anything else makes it give up. As in the Jackson
 * reader, nothing after the top-level object is read.
 *
 * <pre>{@code
 * List<KinesisEvent.KinesisEventRecord> records = KinesisEventScanner.scan(json);   // null: read it with Jackson
 * }</pre>
 *
 * <p>{@code KinesisEventScannerTest} holds it to that: on random events, random variations of their JSON (whitespace,
 * field order, escapes, unicode, nulls, wrong types, unknown nested fields) and every truncation, whenever it answers
 * its answer equals Jackson's, and on the mapping's own JSON of ASCII keys it always answers.
 */
final class KinesisEventScanner {

    /** Powers of ten a {@code long} mantissa below 2^53 can be divided by exactly rounded (Clinger's fast path). */
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final int MAX_DEPTH = 32;
    private static final int MAX_NUMBER_CHARS = 64;
    /** Control flow only: never escapes {@link #scan}, so no stack trace is filled. */
    private static final RuntimeException GIVE_UP = new RuntimeException("not the plain shape", null, false, false) {
    };
    private static final byte[] RECORDS = ascii("Records");
    /**
     * A record's fields and its {@code kinesis} object's, those the operator reads first: a field's index in its
     * table is how {@link #field} names it, and any other name is {@code table.length}.
     */
    private static final Name[] RECORD_FIELDS = names("eventID", "eventSourceARN", "kinesis", "eventSource",
            "eventVersion", "eventName", "invokeIdentityArn", "awsRegion");
    private static final int EVENT_ID = 0;
    private static final int EVENT_SOURCE_ARN = 1;
    private static final int KINESIS = 2;
    private static final Name[] KINESIS_FIELDS = names("sequenceNumber", "partitionKey", "data",
            "approximateArrivalTimestamp", "kinesisSchemaVersion");
    private static final int SEQUENCE_NUMBER = 0;
    private static final int PARTITION_KEY = 1;
    private static final int DATA = 2;
    private static final int ARRIVAL = 3;

    private final byte[] in;
    private int pos;
    /** The last {@code eventSourceARN}'s string and where its bytes were: the same ARN on every record is kept once. */
    private String lastArn;
    private int lastArnStart;
    private int lastArnLength = -1;
    /**
     * For each field of a record (and of a {@code kinesis} object), the field that followed it last, by index in its
     * table; the last slot is the object's start, the one before it any unknown field. A mapping writes every record
     * in one order, so the next name is almost always the one predicted, and one comparison reads it.
     */
    private final int[] recordFollows = follows(RECORD_FIELDS);
    private final int[] kinesisFollows = follows(KINESIS_FIELDS);
    /** Bounds of the string {@link #string} read last: {@code [stringStart, stringEnd)}. */
    private int stringStart;
    private int stringEnd;

    private KinesisEventScanner(byte[] in) {
        this.in = in;
    }

    /**
     * @param json the invocation's payload
     * @return the records, as {@link KinesisEventReader} gives them, or null if {@code json} is not in the subset
     */
    static List<KinesisEvent.KinesisEventRecord> scan(byte[] json) {
        try {
            return new KinesisEventScanner(json).event();
        } catch (RuntimeException e) {
            // GIVE_UP, or input past its end (index out of bounds): Jackson decides.
            return null;
        }
    }

    // The three objects the operator reads are loops, not object(..) with a lambda: in Lambda's JVM (C1 only) each
    // capturing lambda is an allocation through a method handle and each value.run() a call it cannot inline, about
    // a tenth of the scan (async-profiler, issue 15).

    private List<KinesisEvent.KinesisEventRecord> event() {
        whitespace();
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        if (startObject()) {
            do {
                name();
                if (!is(RECORDS)) {
                    skipValue(1);
                } else if (in[pos] == '[') {
                    records(records);
                } else if (!literal("null")) {
                    throw GIVE_UP;   // Records neither an array nor null: Jackson refuses it
                }
            } while (nextElement('}'));
        }
        return records;
    }

    private void records(List<KinesisEvent.KinesisEventRecord> records) {
        if (!startArray()) {
            return;
        }
        do {
            records.add(record());
        } while (nextElement(']'));
    }

    private KinesisEvent.KinesisEventRecord record() {
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        if (literal("null") || !startObject()) {
            return record;
        }
        int field = RECORD_FIELDS.length + 1;   // the object's start
        do {
            field = field(RECORD_FIELDS, recordFollows, field);
            switch (field) {
                case EVENT_ID -> record.setEventID(text());
                case EVENT_SOURCE_ARN -> record.setEventSourceARN(arn());
                case KINESIS -> record.setKinesis(literal("null") ? null : kinesis());
                default -> skipValue(2);
            }
        } while (nextElement('}'));
        return record;
    }

    private KinesisEvent.Record kinesis() {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        if (!startObject()) {
            return kinesis;
        }
        int field = KINESIS_FIELDS.length + 1;   // the object's start
        do {
            field = field(KINESIS_FIELDS, kinesisFollows, field);
            switch (field) {
                case SEQUENCE_NUMBER -> kinesis.setSequenceNumber(text());
                case PARTITION_KEY -> kinesis.setPartitionKey(text());
                case DATA -> kinesis.setData(literal("null") ? null : base64());
                case ARRIVAL -> kinesis.setApproximateArrivalTimestamp(literal("null") ? null : arrival());
                default -> skipValue(3);
            }
        } while (nextElement('}'));
        return kinesis;
    }

    /** Past an opening brace: false if the object is empty (and past its closing brace), true if a field follows. */
    private boolean startObject() {
        expect('{');
        return !endOfObject();
    }

    /** An object: for each field, its name is read ({@link #is} then tells which) and {@code value} reads its value. */
    private void object(Runnable value) {
        if (!startObject()) {
            return;
        }
        do {
            name();
            value.run();
        } while (nextElement('}'));
    }

    /** Past an opening bracket: false if the array is empty (and past its closing bracket), true if an element follows. */
    private boolean startArray() {
        expect('[');
        if (in[pos] == ']') {
            pos++;
            whitespace();
            return false;
        }
        return true;
    }

    /** An array: {@code element} reads each element. */
    private void array(Runnable element) {
        if (!startArray()) {
            return;
        }
        do {
            element.run();
        } while (nextElement(']'));
    }

    /**
     * Reads a field's name and the colon after it: the name's index in {@code names}, or {@code names.length} for
     * any other. The name {@code follows} predicts after {@code previous} is compared first, quotes included: where it
     * is there, {@link #name} would read exactly it. Otherwise the name is read and looked up, and the prediction
     * learnt.
     */
    private int field(Name[] names, int[] follows, int previous) {
        int predicted = follows[previous];
        if (predicted < names.length && quotedAt(names[predicted])) {
            pos += names[predicted].quotedLength;
            whitespace();
            expect(':');
            return predicted;
        }
        name();
        int field = 0;
        while (field < names.length && !is(names[field].bytes)) {
            field++;
        }
        follows[previous] = field;
        return field;
    }

    /**
     * Whether the input continues with {@code name} between quotes: eight bytes at a time, the last word overlapping
     * the one before it. A quoted name shorter than a word is compared byte by byte; one that would end past the
     * input is not there.
     */
    private boolean quotedAt(Name name) {
        int end = pos + name.quotedLength;
        long[] words = name.words;
        if (words.length > 0 && end <= in.length) {
            for (int k = 0; k < words.length - 1; k++) {
                if (AsciiWords.word(in, pos + k * Long.BYTES) != words[k]) {
                    return false;
                }
            }
            return AsciiWords.word(in, end - Long.BYTES) == words[words.length - 1];
        }
        byte[] bytes = name.bytes;
        if (end > in.length || in[pos] != '"' || in[end - 1] != '"') {
            return false;
        }
        for (int k = 0; k < bytes.length; k++) {
            if (in[pos + 1 + k] != bytes[k]) {
                return false;
            }
        }
        return true;
    }

    /** Reads a field's name and the colon after it; the name's bounds stay in {@link #stringStart}/{@link #stringEnd}. */
    private void name() {
        string();
        expect(':');
    }

    /** Whether the string read last, a field's name, is {@code expected}. */
    private boolean is(byte[] expected) {
        if (stringEnd - stringStart != expected.length) {
            return false;
        }
        for (int k = 0; k < expected.length; k++) {   // names are short: a loop beats the range checks of Arrays
            if (in[stringStart + k] != expected[k]) {
                return false;
            }
        }
        return true;
    }

    private String text() {
        if (literal("null")) {
            return null;
        }
        string();
        return new String(in, stringStart, stringEnd - stringStart, StandardCharsets.ISO_8859_1);
    }

    private String arn() {
        if (literal("null")) {
            return null;
        }
        string();
        int length = stringEnd - stringStart;
        if (lastArnLength != length
                || !Arrays.equals(in, stringStart, stringEnd, in, lastArnStart, lastArnStart + length)) {
            lastArn = new String(in, stringStart, length, StandardCharsets.ISO_8859_1);
            lastArnStart = stringStart;
            lastArnLength = length;
        }
        return lastArn;
    }

    private ByteBuffer base64() {
        string();
        byte[] data = CanonicalBase64.decode(in, stringStart, stringEnd);
        if (data == null) {
            throw GIVE_UP;   // not canonical base64 (padding missing, unused bits set, other alphabets): Jackson decides
        }
        return ByteBuffer.wrap(data);
    }

    /** Epoch seconds to a {@code Date} as the Jackson reader computes it: the number as a double, times 1,000, truncated. */
    private Date arrival() {
        int start = pos;
        number();
        return new Date((long) (seconds(start) * 1000));
    }

    /**
     * The number at {@code start} as {@link Double#parseDouble} reads it. {@code 1545084650.987}, the mapping's form:
     * its digits as a {@code long} below 2^53 divided by a power of ten up to 10^22, both exact, so the one rounding
     * of the division gives the same double as the decimal's correct rounding. Any other form goes to the JDK.
     */
    private double seconds(int start) {
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        int i = start;
        for (; i < pos; i++) {
            byte c = in[i];
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.') {
                fraction = 0;
            } else {
                break;   // a sign, an exponent or whitespace after the number
            }
        }
        boolean plain = i == pos || in[i] <= ' ';
        if (plain && digits <= 15 && Math.max(fraction, 0) < POWERS_OF_TEN.length) {
            return mantissa / POWERS_OF_TEN[Math.max(fraction, 0)];
        }
        int end = start;
        while (end < pos && in[end] > ' ') {
            end++;
        }
        return Double.parseDouble(new String(in, start, end - start, StandardCharsets.ISO_8859_1));
    }

    /**
     * A string of printable ASCII without escapes; its contents' bounds go to {@link #stringStart}/{@link #stringEnd}.
     * Eight bytes at a time ({@link AsciiWords#plainRunEnd}): a word with no quote, backslash, control character, DEL
     * or non-ASCII byte is passed whole; the byte it stops at is judged here (DEL is plain in JSON).
     */
    private void string() {
        expect('"');
        byte[] b = in;
        int i = pos;
        while (true) {
            i = AsciiWords.plainRunEnd(b, i, b.length);
            byte c = b[i];   // past the input's end: out of bounds, and the scan gives up
            if (c == '"') {
                break;
            }
            if (c < 0x20 || c == '\\') {   // bytes >= 0x80 are negative: non-ASCII gives up too
                throw GIVE_UP;
            }
            i++;   // DEL, or one of the input's last few bytes
        }
        stringStart = pos;
        stringEnd = i;
        pos = i + 1;
        whitespace();
    }

    /** A number in JSON's grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private void number() {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (in[pos] == '0') {
            pos++;
        } else {
            digits();
        }
        if (in[pos] == '.') {
            pos++;
            digits();
        }
        if (in[pos] == 'e' || in[pos] == 'E') {
            pos++;
            if (in[pos] == '+' || in[pos] == '-') {
                pos++;
            }
            digits();
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw GIVE_UP;
        }
        whitespace();   // "1x", "01": what follows is not a separator, so the caller gives up
    }

    private void digits() {
        int start = pos;
        while (in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        if (pos == start) {
            throw GIVE_UP;
        }
    }

    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        switch (in[pos]) {
            case '"' -> string();
            case '{' -> object(() -> skipValue(depth + 1));
            case '[' -> array(() -> skipValue(depth + 1));
            case 't' -> literalOrGiveUp("true");
            case 'f' -> literalOrGiveUp("false");
            case 'n' -> literalOrGiveUp("null");
            default -> number();
        }
    }

    /** After a value: true at a comma (and past it), false at {@code close} (and past it); anything else gives up. */
    private boolean nextElement(char close) {
        if (in[pos] == ',') {
            pos++;
            whitespace();
            return true;
        }
        expect(close);
        return false;
    }

    /** After an opening brace and its whitespace: true at the closing brace (and past it). */
    private boolean endOfObject() {
        whitespace();
        if (in[pos] == '}') {
            pos++;
            whitespace();
            return true;
        }
        return false;
    }

    /**
     * True, and past it, if the input continues with {@code word}; "nullx" then gives up at the caller, which finds no
     * separator after it.
     */
    private boolean literal(String word) {
        int n = word.length();
        for (int k = 0; k < n; k++) {
            if (in[pos + k] != word.charAt(k)) {
                return false;
            }
        }
        pos += n;
        whitespace();
        return true;
    }

    private void literalOrGiveUp(String word) {
        if (!literal(word)) {
            throw GIVE_UP;
        }
    }

    private void expect(char c) {
        if (in[pos] != c) {
            throw GIVE_UP;
        }
        pos++;
        if (c != '"') {
            whitespace();
        }
    }

    /**
     * Past JSON's whitespace. Called after every token, and the mapping writes none: one comparison decides, small
     * enough for C1 to inline (a call per token was a tenth of the scan in Lambda's JVM).
     */
    private void whitespace() {
        if (pos < in.length && in[pos] <= ' ') {   // non-ASCII bytes are negative: the loop returns at them
            skipWhitespace();
        }
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            byte c = in[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Name[] names(String... names) {
        Name[] table = new Name[names.length];
        for (int i = 0; i < names.length; i++) {
            table[i] = new Name(names[i]);
        }
        return table;
    }

    /** Nothing predicted yet: every slot, the start's ({@code length + 1}) and an unknown field's, says "unknown". */
    private static int[] follows(Name[] names) {
        int[] follows = new int[names.length + 2];
        Arrays.fill(follows, names.length);
        return follows;
    }

    /**
     * A field's name, and the same between quotes as eight-byte words (as {@link AsciiWords#word} reads them):
     * the whole words from its start, then the last eight bytes, which may overlap the word before. No words if the
     * quoted name is shorter than eight bytes.
     */
    private static final class Name {
        final byte[] bytes;
        final int quotedLength;
        final long[] words;

        Name(String name) {
            bytes = ascii(name);
            byte[] quoted = ascii('"' + name + '"');
            quotedLength = quoted.length;
            if (quotedLength < Long.BYTES) {
                words = new long[0];
                return;
            }
            words = new long[(quotedLength - 1) / Long.BYTES + 1];
            for (int k = 0; k < words.length - 1; k++) {
                words[k] = AsciiWords.word(quoted, k * Long.BYTES);
            }
            words[words.length - 1] = AsciiWords.word(quoted, quotedLength - Long.BYTES);
        }
    }
}

package io.sluice.functions.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fixed vocabulary of reject reasons: every dead letter's {@code reason} is one of these, with a field name, a
 * configured limit or a window's bounds where the form says so, and never a byte of the record, a parser's message or
 * a class name. A reason is therefore safe to log and to show, and the record itself travels only in the dead
 * letter's {@code record}.
 *
 * <table>
 *   <caption>Reasons</caption>
 *   <tr><td>{@code not UTF-8}</td><td>bytes that are not UTF-8 (a lone surrogate, binary garbage)</td></tr>
 *   <tr><td>{@code not JSON}, {@code not CSV}</td><td>a syntax error</td></tr>
 *   <tr><td>{@code not a JSON object}</td><td>an array, a scalar or {@code null} where a record was expected</td></tr>
 *   <tr><td>{@code trailing data after the JSON object}</td><td>more than one value on the line</td></tr>
 *   <tr><td>{@code empty record}</td><td>a CSV line without values (blank lines are skipped, not rejected)</td></tr>
 *   <tr><td>{@code missing columns}, {@code too many columns}</td><td>a CSV line of the wrong width</td></tr>
 *   <tr><td>{@code record over 1048576 bytes}</td><td>over the pipeline's {@code maxRecordBytes}</td></tr>
 *   <tr><td>{@code field amount: missing}, {@code : null}, {@code : not an integer}, {@code : not a number},
 *       {@code : not a string}, {@code : not a boolean}, {@code : not an array}, {@code : not an object},
 *       {@code : wrong type}, {@code : number out of range}, {@code : refused by the record type}</td>
 *       <td>a field that does not bind ({@code field ?} when its name is not a plain identifier)</td></tr>
 *   <tr><td>{@code number out of range}, {@code refused by the record type}, {@code unreadable record}</td>
 *       <td>the same without a field</td></tr>
 *   <tr><td>{@code timestamp before the earliest accepted}, {@code timestamp over 86400000 ms ahead of the wall
 *       clock}</td><td>outside {@code WatermarkStrategy.withTimestampBounds}</td></tr>
 *   <tr><td>{@code key is null}, {@code pipeline step failed}</td><td>a key selector or a step of the pipeline
 *       (its exception is logged at DEBUG)</td></tr>
 *   <tr><td>{@code aggregate overflow in window [0,60000)}</td><td>an exact sum would wrap around</td></tr>
 *   <tr><td>{@code window cannot fire}</td><td>a window row whose result failed (firing, not a record)</td></tr>
 *   <tr><td>{@code KPL aggregated record ...}, {@code record without kinesis.data}, {@code invalid sequence
 *       number}</td><td>a Kinesis record that cannot be de-aggregated</td></tr>
 * </table>
 *
 * <pre>{@code
 * RejectReasons.field("amount", "not an integer");   // "field amount: not an integer"
 * RejectReasons.isInVocabulary("invalid JSON: Unexpected character ('x')");   // false
 * }</pre>
 */
public final class RejectReasons {

    public static final String NOT_UTF8 = "not UTF-8";
    public static final String NOT_A_JSON_OBJECT = "not a JSON object";
    public static final String TRAILING_DATA = "trailing data after the JSON object";
    public static final String EMPTY_RECORD = "empty record";
    public static final String MISSING_COLUMNS = "missing columns";
    public static final String TOO_MANY_COLUMNS = "too many columns";
    public static final String NUMBER_OUT_OF_RANGE = "number out of range";
    public static final String REFUSED = "refused by the record type";
    public static final String UNREADABLE = "unreadable record";
    public static final String TIMESTAMP_TOO_EARLY = "timestamp before the earliest accepted";
    public static final String KEY_IS_NULL = "key is null";
    public static final String STEP_FAILED = "pipeline step failed";
    public static final String WINDOW_CANNOT_FIRE = "window cannot fire";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}(\\.[A-Za-z_$][A-Za-z0-9_$]{0,63}|\\[[0-9]{1,9}])*");
    private static final String FIELD_PROBLEMS = "missing|null|not an integer|not a number|not a string|not a boolean"
            + "|not an array|not an object|wrong type|number out of range|refused by the record type";
    /** Every reason matches one of these (tests check dead letters against it). */
    public static final List<Pattern> VOCABULARY = List.of(
            Pattern.compile("not UTF-8|not JSON|not CSV|not a JSON object|trailing data after the JSON object"
                    + "|empty record|missing columns|too many columns|number out of range|refused by the record type"
                    + "|unreadable record|timestamp before the earliest accepted|key is null|pipeline step failed"
                    + "|window cannot fire|invalid sequence number|record without (kinesis|kinesis\\.data"
                    + "|kinesis\\.sequenceNumber)"),
            Pattern.compile("record over [0-9]+ bytes"),
            Pattern.compile("timestamp over [0-9]+ ms ahead of the wall clock"),
            Pattern.compile("aggregate overflow in window \\[-?[0-9]+,-?[0-9]+\\)"),
            Pattern.compile("field (\\?|" + IDENTIFIER.pattern() + "): (" + FIELD_PROBLEMS + ")"),
            Pattern.compile("KPL (aggregated|user) record [A-Za-z0-9 ]+"));

    private RejectReasons() {
    }

    /** {@code not JSON} or {@code not CSV}: a syntax error in {@code format}. */
    public static String notFormat(String format) {
        return "not " + format;
    }

    /** {@code field <name>: <problem>}; the name only when it is a plain identifier path, else {@code ?}. */
    public static String field(String path, String problem) {
        return "field " + (path != null && IDENTIFIER.matcher(path).matches() ? path : "?") + ": " + problem;
    }

    /** {@code record over <max> bytes}. */
    public static String overSize(int maxBytes) {
        return "record over " + maxBytes + " bytes";
    }

    /** {@code timestamp over <max> ms ahead of the wall clock}. */
    public static String timestampAhead(long maxAheadMillis) {
        return "timestamp over " + maxAheadMillis + " ms ahead of the wall clock";
    }

    /** {@code aggregate overflow in window [start,end)}. */
    public static String aggregateOverflow(long windowStart, long windowEnd) {
        return "aggregate overflow in window [" + windowStart + "," + windowEnd + ")";
    }

    /** True if {@code reason} is one of the vocabulary's forms. */
    public static boolean isInVocabulary(String reason) {
        return reason != null && VOCABULARY.stream().anyMatch(p -> p.matcher(reason).matches());
    }

    /** True if the bytes are well-formed UTF-8 (no lone surrogate, overlong form or stray byte). */
    static boolean isUtf8(byte[] bytes, int offset, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}

package io.sluice.functions.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.csv.CsvReadException;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Jackson's binding errors in {@link RejectReasons}' vocabulary, shared by the JSON and CSV decoders. Jackson's own
 * messages quote the input and name its classes, so none of their text is kept: only the kind of error, the field's
 * path and the target type decide the reason.
 */
final class BindingErrors {

    private BindingErrors() {
    }

    /**
     * The reason the record in {@code bytes[offset, offset + length)} failed to bind: {@code field amount: missing},
     * {@code field amount: not an integer}, {@code not JSON}, {@code not UTF-8}, ...
     *
     * @param format the format's name for syntax errors ({@code JSON}, {@code CSV})
     */
    static String reason(IOException e, String format, byte[] bytes, int offset, int length) {
        if (e instanceof JsonMappingException m && (m.getCause() instanceof InputCoercionException
                || m.getCause() instanceof JsonParseException p && String.valueOf(p.getOriginalMessage())
                        .contains("out of range"))) {
            // The CSV parser reports an overflow as a parse error ("Numeric value (...) out of range of long").
            return withField(m, RejectReasons.NUMBER_OUT_OF_RANGE);
        }
        if (e instanceof InputCoercionException) {
            return RejectReasons.NUMBER_OUT_OF_RANGE;
        }
        if (e instanceof CsvReadException csv) {
            String message = csv.getOriginalMessage() == null ? "" : csv.getOriginalMessage();
            if (message.startsWith("Not enough column values")) {
                return RejectReasons.MISSING_COLUMNS;
            }
            if (message.startsWith("Too many entries")) {
                return RejectReasons.TOO_MANY_COLUMNS;
            }
            return syntax(format, bytes, offset, length);
        }
        if (e instanceof JsonParseException) {
            return syntax(format, bytes, offset, length);
        }
        if (e instanceof MismatchedInputException m) {
            return describe(m);
        }
        if (e instanceof ValueInstantiationException m) {
            return withField(m, RejectReasons.REFUSED);
        }
        if (e instanceof JsonMappingException m) {
            return path(m).isEmpty() ? RejectReasons.UNREADABLE : RejectReasons.field(path(m), "wrong type");
        }
        return RejectReasons.UNREADABLE;
    }

    /** A syntax error: bytes that are not UTF-8 say so, the rest are {@code not <format>}. */
    private static String syntax(String format, byte[] bytes, int offset, int length) {
        return RejectReasons.isUtf8(bytes, offset, length) ? RejectReasons.notFormat(format) : RejectReasons.NOT_UTF8;
    }

    private static String describe(MismatchedInputException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String field = path(e);
        if (message.startsWith("Missing required creator property") || message.startsWith("Missing creator property")) {
            int open = message.indexOf('\'');
            int close = message.indexOf('\'', open + 1);
            return RejectReasons.field(open >= 0 && close > open ? message.substring(open + 1, close) : field, "missing");
        }
        if (message.startsWith("Null value for creator property") || message.contains("null value")
                || message.startsWith("Cannot map `null`")) {
            return RejectReasons.field(field, "null");
        }
        if (message.startsWith("Trailing token")) {
            return RejectReasons.TRAILING_DATA;
        }
        if (field.isEmpty()) {
            return RejectReasons.NOT_A_JSON_OBJECT;
        }
        return RejectReasons.field(field, expected(e.getTargetType()));
    }

    /** What the field should have been, from the type it binds to. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "wrong type";
        }
        if (type == long.class || type == int.class || type == short.class || type == byte.class
                || type == Long.class || type == Integer.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "not an integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class
                || type == BigDecimal.class || Number.class.isAssignableFrom(type)) {
            return "not a number";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "not a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "not a boolean";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "not an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "not an object";
        }
        return "wrong type";
    }

    private static String withField(JsonMappingException e, String problem) {
        String field = path(e);
        return field.isEmpty() ? problem : RejectReasons.field(field, problem);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}

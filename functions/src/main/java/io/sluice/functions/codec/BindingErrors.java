package io.sluice.functions.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.csv.CsvReadException;

import java.io.IOException;
import java.util.stream.Collectors;

/** One-line reasons for Jackson's binding errors, shared by the JSON and CSV decoders. */
final class BindingErrors {

    private BindingErrors() {
    }

    /**
     * The reason a record failed to bind: {@code missing field [amount]}, {@code wrong type for field [amount]: ...},
     * {@code number out of range: ...}, {@code invalid JSON: ...}.
     *
     * @param format the format's name for syntax errors ({@code JSON}, {@code CSV})
     */
    static String reason(IOException e, String format) {
        if (e instanceof InputCoercionException c) {
            return "number out of range: " + firstLine(c.getOriginalMessage());
        }
        if (e instanceof JsonParseException p) {
            return "invalid " + format + ": " + firstLine(p.getOriginalMessage());
        }
        if (e instanceof MismatchedInputException m) {
            return describe(m);
        }
        if (e instanceof CsvReadException csv) {
            String message = firstLine(csv.getOriginalMessage());
            if (message.startsWith("Not enough column values")) {
                return "missing columns: " + message;
            }
            if (message.startsWith("Too many entries")) {
                return "too many columns: " + message;
            }
            return "invalid " + format + ": " + message;
        }
        if (e instanceof JsonMappingException m) {
            String field = path(m);
            String cause = m.getCause() instanceof InputCoercionException c ? "number out of range: "
                    + firstLine(c.getOriginalMessage()) : firstLine(m.getOriginalMessage());
            return field.isEmpty() ? cause : "bad field [" + field + "]: " + cause;
        }
        return "unreadable record: " + firstLine(e.getMessage());
    }

    private static String describe(MismatchedInputException e) {
        String message = e.getOriginalMessage();
        String field = path(e);
        if (message.startsWith("Missing required creator property") || message.startsWith("Missing creator property")) {
            int open = message.indexOf('\'');
            int close = message.indexOf('\'', open + 1);
            return "missing field [" + (open >= 0 && close > open ? message.substring(open + 1, close) : field) + "]";
        }
        if (message.startsWith("Null value for creator property") || message.contains("null value")
                || message.startsWith("Cannot map `null`")) {
            return "null field [" + field + "]";
        }
        if (message.startsWith("Trailing token")) {
            return "trailing data after the JSON object";
        }
        if (field.isEmpty()) {
            return "not a JSON object: " + firstLine(message);
        }
        return "wrong type for field [" + field + "]: " + firstLine(message);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}

package io.sluice.functions.runtime;

import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.window.SessionWindows;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Result rows as CSV (RFC 4180), the format of every results sink: a header, then one line per row, sorted by the
 * caller (window start, then key). Columns: {@code window_start_ms}, {@code window_end_ms} for session windows
 * (whose length varies), the key column if keyed, then the value columns: those the sink names, else the result
 * type's ({@link ResultColumns}: a record's components, a {@link io.sluice.functions.api.Tabular}'s names, or
 * {@code value}).
 *
 * <pre>{@code
 * ResultCsv csv = ResultCsv.of(GmvPipelines.byCategory());
 * csv.header();                 // "window_start_ms,category,count,sum_cents"
 * csv.line(row);                // "1605024000000,c-1,1520,4739150"
 * }</pre>
 */
public final class ResultCsv {

    private final boolean withEnd;
    private final boolean keyed;
    private final String header;
    private final int valueColumns;

    private ResultCsv(boolean withEnd, boolean keyed, String header, int valueColumns) {
        this.withEnd = withEnd;
        this.keyed = keyed;
        this.header = header;
        this.valueColumns = valueColumns;
    }

    /** The CSV layout of {@code definition}'s results. */
    public static ResultCsv of(PipelineDefinition<?> definition) {
        List<String> columns = new ArrayList<>();
        columns.add("window_start_ms");
        boolean withEnd = definition.windows() instanceof SessionWindows;
        if (withEnd) {
            columns.add("window_end_ms");
        }
        definition.keyName().ifPresent(columns::add);
        List<String> values = definition.sink().valueColumns();
        if (values.isEmpty()) {
            values = ResultColumns.of(definition.aggregate());
        }
        columns.addAll(values);
        return new ResultCsv(withEnd, definition.keyName().isPresent(),
                String.join(",", columns.stream().map(ResultCsv::escape).toList()), values.size());
    }

    /** The header line, without a terminator. */
    public String header() {
        return header;
    }

    /** One row, without a terminator. */
    public String line(ResultRow row) {
        StringBuilder b = new StringBuilder(64);
        b.append(row.windowStart());
        if (withEnd) {
            b.append(',').append(row.windowEnd());
        }
        if (keyed) {
            b.append(',').append(escape(defused(row.key())));
        }
        List<String> values = ResultColumns.values(row.value());
        if (values.size() != valueColumns) {
            throw new IllegalStateException("result has " + values.size() + " values but the sink names "
                    + valueColumns + " columns: " + row);
        }
        for (String v : values) {
            b.append(',').append(escape(v));
        }
        return b.toString();
    }

    /** Writes the header and {@code rows}, each line terminated by {@code \n}. */
    public void write(List<ResultRow> rows, Writer out) throws IOException {
        out.write(header);
        out.write('\n');
        for (ResultRow row : rows) {
            out.write(line(row));
            out.write('\n');
        }
    }

    /**
     * A key a spreadsheet would run as a formula ({@code =HYPERLINK(..)}, {@code +cmd|..}, {@code -..}, {@code @..},
     * or one starting with a tab or carriage return) is written with a leading apostrophe, as OWASP advises for CSV
     * injection; every other key is written as it is. Keys only: value columns are numbers.
     */
    static String defused(String key) {
        if (key.isEmpty()) {
            return key;
        }
        char c = key.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + key : key;
    }

    static String escape(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}

package io.sluice.functions.api;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named results dataset. Where it is written is a deployment choice (a CSV file locally; S3 objects, a DynamoDB
 * table or a Kinesis stream on AWS); every binding writes deterministic keys, so a repeated firing writes the same
 * bytes.
 *
 * <pre>{@code
 * Sink gmv = Sink.results("gmv-by-category").withValueColumns("count", "sum_cents");
 * // CSV: window_start_ms,category,count,sum_cents
 * }</pre>
 */
public final class Sink {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final String name;
    private final List<String> valueColumns;

    private Sink(String name, List<String> valueColumns) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("sink name must match " + NAME + " but was [" + name + "]");
        }
        for (String column : valueColumns) {
            if (column.isBlank() || column.contains(",")) {
                throw new IllegalArgumentException("value column must be a CSV column name but was [" + column + "]");
            }
        }
        this.name = name;
        this.valueColumns = List.copyOf(valueColumns);
    }

    /** Results named {@code name} (lower case, digits and dashes), with the result type's own column names. */
    public static Sink results(String name) {
        return new Sink(name, List.of());
    }

    /** A copy that names the value columns of results, in the order the result type gives its values. */
    public Sink withValueColumns(String... columns) {
        return new Sink(name, List.of(columns));
    }

    public String name() {
        return name;
    }

    /** Value column names; empty means the result type's own ({@link Tabular#columnNames()} or {@code value}). */
    public List<String> valueColumns() {
        return valueColumns;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sink s && name.equals(s.name) && valueColumns.equals(s.valueColumns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, valueColumns);
    }

    @Override
    public String toString() {
        return "Sink[" + name + " " + valueColumns + "]";
    }
}

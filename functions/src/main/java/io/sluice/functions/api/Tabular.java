package io.sluice.functions.api;

import java.util.List;

/**
 * A result that spreads over several CSV columns, such as {@link CountAndSum} ({@code count,sum}). Results of
 * other types are written as one column, {@code value}, with {@link String#valueOf(Object)}.
 */
public interface Tabular {

    /** Default column names, used unless the sink names them. */
    List<String> columnNames();

    /** Column values, in the order of {@link #columnNames()}, already formatted for CSV. */
    List<String> columnValues();
}

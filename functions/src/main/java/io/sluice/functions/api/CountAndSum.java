package io.sluice.functions.api;

import java.util.List;

/**
 * A count of records and an exact integer sum, as written by {@link Aggregates#countAndSum}: CSV columns
 * {@code count,sum}.
 *
 * @param count number of records
 * @param sum   exact sum of the summed field (for orders: integer cents)
 */
public record CountAndSum(long count, long sum) implements Tabular {

    @Override
    public List<String> columnNames() {
        return List.of("count", "sum");
    }

    @Override
    public List<String> columnValues() {
        return List.of(Long.toString(count), Long.toString(sum));
    }
}

package io.sluice.functions.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The exact average of an integer field, as written by {@link Aggregates#average}: CSV columns
 * {@code count,sum,avg}. The count and sum are exact; {@code avg} is {@code sum / count} rounded half-even to
 * {@value #SCALE} decimals, computed from them, so it is the same in stream and batch mode.
 *
 * @param count number of records ({@code >= 1} in any result row)
 * @param sum   exact sum of the field
 */
public record Average(long count, long sum) implements Tabular {

    /** Decimals of {@link #value()}. */
    public static final int SCALE = 6;

    /** {@code sum / count}, rounded half-even to {@value #SCALE} decimals; zero if there is no record. */
    public BigDecimal value() {
        return count == 0 ? BigDecimal.ZERO.setScale(SCALE)
                : BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), SCALE, RoundingMode.HALF_EVEN);
    }

    @Override
    public List<String> columnNames() {
        return List.of("count", "sum", "avg");
    }

    @Override
    public List<String> columnValues() {
        return List.of(Long.toString(count), Long.toString(sum), value().toPlainString());
    }
}

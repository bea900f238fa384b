package io.sluice.functions.runtime;

import io.sluice.functions.api.AggregateFunction;
import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.Average;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Columns are learned from the result type at definition time; the user's result function is not run for it. */
class ResultCsvColumnsTest {

    /** An integer average written the obvious way: its result divides by zero on an empty accumulator. */
    static final class IntegerAverage implements AggregateFunction<Order, long[], Long> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Order value, long[] acc) {
            acc[0]++;
            acc[1] += value.amount();
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], a[1] + b[1]};
        }

        @Override
        public Long result(long[] acc) {
            return acc[1] / acc[0];
        }
    }

    /** A result record: its components are the columns. */
    record Stats(long orders, long largestCents, String currency) {
    }

    static final class StatsAggregate implements AggregateFunction<Order, long[], Stats> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Order value, long[] acc) {
            return new long[] {acc[0] + 1, Math.max(acc[1], value.amount())};
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            return new long[] {a[0] + b[0], Math.max(a[1], b[1])};
        }

        @Override
        public Stats result(long[] acc) {
            if (acc[0] == 0) {
                throw new IllegalStateException("never asked of an empty accumulator");
            }
            return new Stats(acc[0], acc[1], "CNY");
        }
    }

    private static <R> PipelineDefinition<R> byCategory(AggregateFunction<Order, ?, R> aggregate) {
        return Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(aggregate)
                .to(Sink.results("columns"));
    }

    @Test
    void anIntegerAverage_isOneValueColumn_withoutDividingByZero() {
        ResultCsv csv = ResultCsv.of(byCategory(new IntegerAverage()));

        assertThat(csv.header()).isEqualTo("window_start_ms,category,value");
        assertThat(csv.line(new ResultRow("p", 0, 60_000, "c-1", 1999L, true))).isEqualTo("0,c-1,1999");
    }

    @Test
    void aRecordResult_becomesOneColumnPerComponent() {
        ResultCsv csv = ResultCsv.of(byCategory(new StatsAggregate()));

        assertThat(csv.header()).isEqualTo("window_start_ms,category,orders,largestCents,currency");
        assertThat(csv.line(new ResultRow("p", 0, 60_000, "c-1", new Stats(3, 4200, "CNY"), true)))
                .isEqualTo("0,c-1,3,4200,CNY");
    }

    @Test
    void builtInAggregates_nameTheirColumns() {
        assertThat(ResultCsv.of(byCategory(Aggregates.average(Order::amount))).header())
                .isEqualTo("window_start_ms,category,count,sum,avg");
        assertThat(ResultCsv.of(byCategory(Aggregates.countAndSum(Order::amount))).header())
                .isEqualTo("window_start_ms,category,count,sum");
        assertThat(ResultCsv.of(byCategory(Aggregates.countDistinct(Order::userId))).header())
                .isEqualTo("window_start_ms,category,value");
        assertThat(ResultCsv.of(byCategory(Aggregates.max(Order::amount))).header())
                .isEqualTo("window_start_ms,category,value");
        assertThat(ResultCsv.of(byCategory(Aggregates.average(Order::amount)))
                .line(new ResultRow("p", 0, 60_000, "c-1", new Average(4, 10), true))).isEqualTo("0,c-1,4,10,2.500000");
    }
}

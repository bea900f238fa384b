package io.sluice.functions.lambda;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;

import java.time.Duration;
import java.util.List;

/** Test-only pipelines (registered for tests through {@code META-INF/services}): GMV by category read from CSV. */
public final class CsvTestPipelines implements PipelineRegistry.Provider {

    static final String GMV_CSV = "gmv-by-category-csv";
    static final String HEADER = "orderId,userId,category,amount,ts";

    static PipelineDefinition<?> gmvFromCsv() {
        return Pipeline.from(Source.csv(Order.class, HEADER.split(",")))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(GmvPipelines.MAX_DISORDER))
                .keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results(GMV_CSV).withValueColumns("count", "sum_cents"));
    }

    static String csvLine(Order o) {
        return o.orderId() + "," + o.userId() + "," + o.category() + "," + o.amount() + "," + o.ts();
    }

    @Override
    public List<PipelineDefinition<?>> pipelines() {
        return List.of(gmvFromCsv());
    }
}

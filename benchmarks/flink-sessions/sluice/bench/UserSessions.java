package bench;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.WatermarkStrategy;

import java.time.Duration;
import java.util.List;

/** Sluice's side of the comparison: per-user sessions, 30 min gap, 1 min allowed lateness, 5 s disorder. */
public final class UserSessions implements PipelineRegistry.Provider {

    @Override
    public List<PipelineDefinition<?>> pipelines() {
        return List.of(Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("user", Order::userId)
                .window(SessionWindows.withGap(Duration.ofMinutes(30)).withAllowedLateness(Duration.ofMinutes(1)))
                .aggregate(Aggregates.countAndSum(Order::amount))
                .to(Sink.results("user-sessions").withValueColumns("count", "sum_cents")));
    }
}

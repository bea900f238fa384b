package io.sluice.functions.examples;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.local.RunSummary;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both GMV pipelines over 1,000,000 generated orders, in batch and stream mode, against an independent
 * computation over the generator's own objects (no decoding, no runtime).
 */
class GmvReferenceTest {

    private static final long RECORDS = 1_000_000;

    @TempDir
    static Path dir;
    static Path file;
    static Map<Long, Map<String, long[]>> byCategory = new TreeMap<>();
    static Map<Long, long[]> total = new TreeMap<>();

    @BeforeAll
    static void generate() throws IOException {
        OrdersGenerator generator = OrdersGenerator.builder().records(RECORDS).seed(11).build();
        file = dir.resolve("orders.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            generator.writeJsonLines(out);
        }
        generator.forEach(o -> {
            long minute = o.ts() - Math.floorMod(o.ts(), 60_000L);
            long[] c = byCategory.computeIfAbsent(minute, m -> new TreeMap<>()).computeIfAbsent(o.category(), k -> new long[2]);
            c[0]++;
            c[1] = Math.addExact(c[1], o.amount());
            long[] t = total.computeIfAbsent(o.ts() - Math.floorMod(o.ts(), 10_000L), m -> new long[2]);
            t[0]++;
            t[1] = Math.addExact(t[1], o.amount());
        });
    }

    private static List<String> csv(CollectingOutputs outputs, io.sluice.functions.api.PipelineDefinition<?> def) {
        ResultCsv format = ResultCsv.of(def);
        List<String> lines = new ArrayList<>();
        lines.add(format.header());
        for (ResultRow row : outputs.finalResults()) {
            lines.add(format.line(row));
        }
        return lines;
    }

    @Test
    void gmvByCategory_matchesTheIndependentComputation_inBothModes() throws IOException {
        List<String> expected = new ArrayList<>(List.of("window_start_ms,category,count,sum_cents"));
        byCategory.forEach((minute, categories) -> categories.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> expected.add(minute + "," + e.getKey() + "," + e.getValue()[0] + "," + e.getValue()[1])));

        for (LocalRunner runner : List.of(LocalRunner.batch(2, 100_000), LocalRunner.stream(4, 1_000))) {
            CollectingOutputs outputs = Outputs.collecting();
            RunSummary summary = runner.run(CompiledPipeline.compile(GmvPipelines.byCategory()), LocalInput.of(file),
                    new InMemoryStateStore(), outputs);

            assertThat(summary.metrics().recordsIn()).isEqualTo(RECORDS);
            assertThat(summary.metrics().late() + summary.metrics().rejected()).isZero();
            assertThat(csv(outputs, GmvPipelines.byCategory())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void gmvTotal_matchesTheIndependentComputation_inBothModes() throws IOException {
        List<String> expected = new ArrayList<>(List.of("window_start_ms,count,sum_cents"));
        total.forEach((start, t) -> expected.add(start + "," + t[0] + "," + t[1]));

        for (LocalRunner runner : List.of(LocalRunner.batch(2, 100_000), LocalRunner.stream(4, 1_000))) {
            CollectingOutputs outputs = Outputs.collecting();
            runner.run(CompiledPipeline.compile(GmvPipelines.total()), LocalInput.of(file), new InMemoryStateStore(), outputs);

            assertThat(csv(outputs, GmvPipelines.total())).containsExactlyElementsOf(expected);
            assertThat(outputs.finalResults()).extracting(ResultRow::value).hasOnlyElementsOfType(CountAndSum.class);
        }
    }

    @Test
    void generator_isDeterministic_andShapedLikeADouble11Night() {
        List<Order> first = new ArrayList<>();
        OrdersGenerator.builder().records(10_000).seed(5).build().forEach(first::add);
        List<Order> again = new ArrayList<>();
        OrdersGenerator.builder().records(10_000).seed(5).build().forEach(again::add);
        assertThat(again).isEqualTo(first);

        long firstMinute = byCategory.values().iterator().next().values().stream().mapToLong(c -> c[0]).sum();
        long[] perMinute = byCategory.values().stream()
                .mapToLong(categories -> categories.values().stream().mapToLong(c -> c[0]).sum()).toArray();
        long peak = java.util.Arrays.stream(perMinute).max().orElseThrow();
        long last = perMinute[perMinute.length - 2];
        assertThat(peak).isGreaterThan(10 * last);
        assertThat(perMinute.length).isBetween(60, 62);
        assertThat(firstMinute).isPositive();
        long categoryOne = byCategory.values().stream().mapToLong(c -> c.getOrDefault("c-1", new long[2])[0]).sum();
        long categoryThousand = byCategory.values().stream().mapToLong(c -> c.getOrDefault("c-1000", new long[2])[0]).sum();
        assertThat(categoryOne).isGreaterThan(100 * Math.max(1, categoryThousand));
    }
}

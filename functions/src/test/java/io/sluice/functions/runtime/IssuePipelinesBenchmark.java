package io.sluice.functions.runtime;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.local.RunSummary;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.Trigger;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.CapacityUsage;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four pipelines of issue 18, as a Flink user wrote them: average order value per category with early results,
 * exact distinct users per category per hour, per-user sessions (30 min gap, 1 min lateness), and a filter and map
 * before the window. Each runs in batch mode (4 tasks) and stream mode (4 shards, batches of 1,000) on the in-memory
 * store ({@code sluice.benchmark.memoryRecords}, default 1,000,000 orders) and on DynamoDB on the local engine
 * ({@code sluice.benchmark.records}, default 20,000: moto_server does about 260 writes/s), where both modes run
 * too; results must be equal between modes and stores; reports DynamoDB write and read units per 1,000 records (per
 * mode), the hottest partial and the largest result (the hot category's exact distinct users). Not a {@code *Test}:
 * run it on request,
 * {@code mvn -o -pl functions -am test -Dtest=IssuePipelinesBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * The table goes to standard output and {@code target/benchmarks/issue-pipelines.md}.
 */
@ExtendWith(LocalAwsExtension.class)
class IssuePipelinesBenchmark {

    private static Pipeline<Order> orders() {
        return Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)));
    }

    static Map<String, PipelineDefinition<?>> pipelines() {
        Map<String, PipelineDefinition<?>> p = new LinkedHashMap<>();
        p.put("avg-order-value", orders().keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .trigger(Trigger.atWatermark().withEarlyFiringsEvery(Duration.ofSeconds(10)))
                .aggregate(Aggregates.average(Order::amount)).to(Sink.results("avg-order-value")));
        p.put("distinct-users", orders().keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofHours(1)))
                .aggregate(Aggregates.countDistinct(Order::userId)).to(Sink.results("distinct-users")));
        p.put("user-sessions", orders().keyBy("user", Order::userId)
                .window(SessionWindows.withGap(Duration.ofMinutes(30)).withAllowedLateness(Duration.ofMinutes(1)))
                .aggregate(Aggregates.countAndSum(Order::amount)).to(Sink.results("user-sessions")));
        p.put("filter-map", orders().filter(o -> o.amount() >= 1_000)
                .map(o -> new Order(o.orderId(), o.userId(), o.category(), o.amount() / 100, o.ts()))
                .keyBy("category", Order::category)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Aggregates.sum(Order::amount)).to(Sink.results("filter-map")));
        return p;
    }

    private static Path orders(long n) throws Exception {
        Path file = Files.createDirectories(Path.of("target", "benchmarks")).resolve("issue-orders-" + n + ".jsonl");
        if (!Files.exists(file)) {
            try (OutputStream out = Files.newOutputStream(file)) {
                OrdersGenerator.builder().records(n).seed(18).duration(Duration.ofHours(1)).build().writeJsonLines(out);
            }
        }
        return file;
    }

    private record Run(List<ResultRow> rows, RunSummary summary) {
    }

    private static Run run(LocalRunner runner, PipelineDefinition<?> def, Path input, StateStore store)
            throws Exception {
        CollectingOutputs outputs = new CollectingOutputs();
        RunSummary summary = runner.run(CompiledPipeline.compile(def), LocalInput.of(input), store, outputs);
        return new Run(outputs.finalResults(), summary);
    }

    /** Largest result of a pipeline's final rows and its key: the hot category's exact distinct users. */
    private static String largest(List<ResultRow> rows) {
        ResultRow top = null;
        for (ResultRow r : rows) {
            if (r.value() instanceof Long v && (top == null || v > (Long) top.value())) {
                top = r;
            }
        }
        return top == null ? "" : String.format("%s: %,d", top.key(), (Long) top.value());
    }

    /** SHA-256 of the rows (start, end, key, value, one line each): compares runs of one input made apart. */
    private static String digest(List<ResultRow> rows) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (ResultRow r : rows) {
            sha.update((r.windowStart() + "," + r.windowEnd() + "," + r.key() + "," + r.value() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static DynamoDbStateStore dynamoStore(DynamoDbClient dynamo) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        StateTables.create(dynamo, "issue-state-" + suffix);
        StateTables.create(dynamo, "issue-coordination-" + suffix);
        // a smaller item limit chunks at sizes moto_server can reach: at 200k orders the hot category's partial
        // (about 50 KB) is to a 16 KB item what it is to DynamoDB's 400 KB at 10M orders (about 1.7 MB)
        return DynamoDbStateStore.builder().withClient(dynamo).withStateTable("issue-state-" + suffix)
                .withCoordinationTable("issue-coordination-" + suffix)
                .withItemLimit(Integer.getInteger("sluice.benchmark.itemLimit", 400_000))
                .withLog(Boolean.parseBoolean(System.getProperty("sluice.benchmark.log", "true"))).build();
    }

    private static String seconds(RunSummary s) {
        return String.format("%.1f s", s.elapsed().toMillis() / 1000.0);
    }

    /** Estimated units per 1,000 records in: {write, read}. */
    private static String[] perThousand(CapacityUsage used, RunSummary s) {
        double per1k = 1000.0 / s.metrics().recordsIn();
        return new String[] {String.format("%.1f", used.estimatedWriteUnits() * per1k),
                String.format("%.1f", used.estimatedReadUnits() * per1k)};
    }

    /**
     * {@code -Dsluice.benchmark.memoryRecords} (0: skip the in-memory runs), {@code -Dsluice.benchmark.records}
     * (DynamoDB; 0: skip), {@code -Dsluice.benchmark.pipelines=distinct-users,user-sessions} (default: all four),
     * {@code -Dsluice.benchmark.batchOnly=user-sessions} (in memory: batch mode only, for sizes whose stream run would
     * not finish), {@code -Dsluice.benchmark.streamOnly=user-sessions} (in memory: stream mode only; the rows' SHA-256
     * is printed, as after every batch run, to compare with a batch run made apart),
     * {@code -Dsluice.benchmark.dynamoBatchSize=10000} (records per batch on DynamoDB, both modes; 10,000
     * is the most a Kinesis event source mapping delivers; the in-memory reference keeps 1,000),
     * {@code -Dsluice.benchmark.log=false} (DynamoDB: chunked partials written as pages on every batch, as before the
     * log, to compare), {@code -Dsluice.benchmark.itemLimit=16384} (DynamoDB's item limit as the store sees it, default 400 KB: smaller
     * chunks partials at sizes the local engine can reach).
     * Each pipeline runs in batch mode (4 tasks) and stream mode (4 shards), batches of 1,000, on each store; rows must
     * be equal between modes and stores. A line per pipeline is printed as soon as it is done.
     */
    @Test
    void fourPipelines_batchEqualsStream_withTheirStateCost(LocalAws aws) throws Exception {
        long memoryRecords = Long.getLong("sluice.benchmark.memoryRecords", 1_000_000);
        long dynamoRecords = Long.getLong("sluice.benchmark.records", 20_000);
        List<String> only = List.of(System.getProperty("sluice.benchmark.pipelines", String.join(",",
                pipelines().keySet())).split(","));
        List<String> batchOnly = List.of(System.getProperty("sluice.benchmark.batchOnly", "").split(","));
        List<String> streamOnly = List.of(System.getProperty("sluice.benchmark.streamOnly", "").split(","));
        int dynamoBatchSize = Integer.getInteger("sluice.benchmark.dynamoBatchSize", 1_000);
        List<String> lines = new ArrayList<>();
        lines.add("| pipeline | orders | store | rows | batch run | stream run | batch = stream | largest result "
                + "| largest partial (bytes) | hottest key state (bytes) | write units / 1k rec, stream \\| batch "
                + "(est.) | read units / 1k rec, stream \\| batch (est.) | chunked partial writes (stream) |");
        lines.add("|---|---:|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|");
        Path table = Path.of("target", "benchmarks", "issue-pipelines.md");
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            for (Map.Entry<String, PipelineDefinition<?>> e : pipelines().entrySet()) {
                if (!only.contains(e.getKey())) {
                    continue;
                }
                if (memoryRecords > 0) {
                    Path big = orders(memoryRecords);
                    if (streamOnly.contains(e.getKey())) {
                        Run stream = run(LocalRunner.stream(4, 1_000), e.getValue(), big, new InMemoryStateStore());
                        lines.add(String.format("| %s | %,d | in memory | %,d | not run | %s | rows sha256 %s | | | | | | |",
                                e.getKey(), memoryRecords, stream.rows().size(), seconds(stream.summary()),
                                digest(stream.rows())));
                        System.out.println(lines.get(lines.size() - 1));
                        Files.writeString(table, String.join("\n", lines) + "\n");
                        continue;
                    }
                    Run batch = run(LocalRunner.batch(4, 1_000), e.getValue(), big, new InMemoryStateStore());
                    Run stream = batchOnly.contains(e.getKey()) ? null
                            : run(LocalRunner.stream(4, 1_000), e.getValue(), big, new InMemoryStateStore());
                    if (stream != null) {
                        assertThat(stream.rows()).as(e.getKey()).isEqualTo(batch.rows()).isNotEmpty();
                    }
                    System.out.println(e.getKey() + ": batch rows sha256 " + digest(batch.rows()));
                    RunSummary either = stream == null ? batch.summary() : stream.summary();
                    lines.add(String.format("| %s | %,d | in memory | %,d | %s | %s | %s | %s | %,d | %,d | | | %,d |",
                            e.getKey(), memoryRecords, batch.rows().size(), seconds(batch.summary()),
                            stream == null ? "not run" : seconds(stream.summary()), stream == null ? "" : "yes",
                            largest(batch.rows()),
                            Math.max(batch.summary().metrics().largestPartialBytes(),
                                    either.metrics().largestPartialBytes()),
                            Math.max(batch.summary().metrics().largestKeyStateBytes(),
                                    either.metrics().largestKeyStateBytes()),
                            either.metrics().largePartialWrites()));
                    System.out.println(lines.get(lines.size() - 1));
                    Files.writeString(table, String.join("\n", lines) + "\n");
                }
                if (dynamoRecords > 0) {
                    Path small = orders(dynamoRecords);
                    Run reference = run(LocalRunner.batch(4, 1_000), e.getValue(), small, new InMemoryStateStore());
                    System.out.println(e.getKey() + ": in-memory reference " + seconds(reference.summary()));
                    DynamoDbStateStore streamStore = dynamoStore(dynamo);
                    Run stream = run(LocalRunner.stream(4, dynamoBatchSize), e.getValue(), small, streamStore);
                    System.out.println(e.getKey() + ": DynamoDB stream " + seconds(stream.summary()));
                    assertThat(stream.rows()).as(e.getKey()).isEqualTo(reference.rows()).isNotEmpty();
                    DynamoDbStateStore batchStore = dynamoStore(dynamo);
                    Run batch = run(LocalRunner.batch(4, dynamoBatchSize), e.getValue(), small, batchStore);
                    assertThat(batch.rows()).as(e.getKey()).isEqualTo(reference.rows());
                    String[] s = perThousand(streamStore.capacity(), stream.summary());
                    String[] b = perThousand(batchStore.capacity(), batch.summary());
                    lines.add(String.format("| %s | %,d | DynamoDB (moto_server) | %,d | %s | %s | yes, = in memory "
                                    + "| %s | %,d | %,d | %s \\| %s | %s \\| %s | %,d |",
                            e.getKey() + (dynamoBatchSize == 1_000 ? "" : " (batches of " + dynamoBatchSize + ")"),
                            dynamoRecords, batch.rows().size(), seconds(batch.summary()),
                            seconds(stream.summary()), largest(batch.rows()),
                            stream.summary().metrics().largestPartialBytes(),
                            stream.summary().metrics().largestKeyStateBytes(), s[0], b[0], s[1], b[1],
                            stream.summary().metrics().largePartialWrites()));
                    System.out.println(lines.get(lines.size() - 1));
                    System.out.println(e.getKey() + ": " + stream.summary().describe() + " | dynamo stream "
                            + streamStore.capacity() + " | dynamo batch " + batchStore.capacity());
                    Files.writeString(table, String.join("\n", lines) + "\n");
                }
            }
        }
        System.out.println(String.join("\n", lines));
    }
}

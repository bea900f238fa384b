package io.sluice.functions.runtime;

import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.local.RunSummary;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
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
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DynamoDB cost of {@code gmv-by-category} with the production runtime: 200,000 generated orders (one hour of a
 * Double 11 night), streamed over 4 shards in batches of 100, 1,000 and 10,000, state in {@link DynamoDbStateStore}
 * on the local engine. Reports write and read units and API calls per 1,000 records, and records/s; checks the
 * results equal an in-memory run. Not a {@code *Test}: run it on request,
 * {@code mvn -o -pl functions test -Dtest=GmvDynamoDbStateBenchmark -Dsluice.benchmark.records=200000}.
 * {@code -Dsluice.benchmark.minutes} (60) spreads the orders over that many minutes instead: fewer minutes put more
 * records in each window and shard, as a busy night does: a partial item's size follows them.
 * {@code -Dsluice.benchmark.batchSizes} (100,1000,10000) sets the batch sizes, {@code -Dsluice.benchmark.keyBuckets}
 * the pipeline's key buckets (1, as it ships; 16 before issue 15 measured this).
 * The table goes to standard output and {@code target/benchmarks/gmv-dynamodb-state.md}.
 */
@ExtendWith(LocalAwsExtension.class)
class GmvDynamoDbStateBenchmark {

    private static final int SHARDS = 4;

    @Test
    void reportsCapacityPerThousandRecords(LocalAws aws) throws Exception {
        long records = Long.getLong("sluice.benchmark.records", 200_000);
        long minutes = Long.getLong("sluice.benchmark.minutes", 60);
        Path orders = Files.createDirectories(Path.of("target", "benchmarks"))
                .resolve("orders-" + records + "-" + minutes + "min.jsonl");
        try (OutputStream out = Files.newOutputStream(orders)) {
            OrdersGenerator.builder().records(records).seed(42).duration(Duration.ofMinutes(minutes)).build()
                    .writeJsonLines(out);
        }
        CompiledPipeline pipeline = CompiledPipeline.compile(
                GmvPipelines.byCategory(Integer.getInteger("sluice.benchmark.keyBuckets", 1)));
        List<String> lines = new ArrayList<>();
        lines.add("| batch size | write units / 1k rec (est.) | read units / 1k rec (est.) | calls / 1k rec "
                + "| calls by API | units reported by engine (w/r) | records/s | partial writes | fence conflicts |");
        lines.add("|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            for (String size : System.getProperty("sluice.benchmark.batchSizes", "100,1000,10000").split(",")) {
                int batchSize = Integer.parseInt(size.trim());
                String suffix = UUID.randomUUID().toString().substring(0, 8);
                StateTables.create(dynamo, "bench-state-" + suffix);
                StateTables.create(dynamo, "bench-coordination-" + suffix);
                DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo)
                        .withStateTable("bench-state-" + suffix).withCoordinationTable("bench-coordination-" + suffix)
                        .build();
                CollectingOutputs outputs = new CollectingOutputs();
                RunSummary run = LocalRunner.stream(SHARDS, batchSize).run(pipeline, LocalInput.of(orders), store, outputs);
                CapacityUsage used = store.capacity();

                CollectingOutputs reference = new CollectingOutputs();
                LocalRunner.stream(SHARDS, batchSize).run(pipeline, LocalInput.of(orders), new InMemoryStateStore(),
                        reference);
                assertThat(outputs.finalResults()).isEqualTo(reference.finalResults()).isNotEmpty();

                double per1k = 1000.0 / run.metrics().recordsIn();
                lines.add(String.format("| %,d | %.1f | %.1f | %.1f | %s | %.0f / %.0f | %.0f | %,d | %d |", batchSize,
                        used.estimatedWriteUnits() * per1k, used.estimatedReadUnits() * per1k, used.totalCalls() * per1k,
                        used.calls(), used.writeUnits(), used.readUnits(), run.recordsPerSecond(),
                        run.metrics().partialWrites(), run.metrics().fenceConflicts()));
                System.out.println(run.describe() + " " + used);
            }
        }
        String table = String.join("\n", lines) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmarks", "gmv-dynamodb-state.md"), table);
    }
}

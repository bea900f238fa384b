package io.sluice.functions.runtime;

import io.sluice.functions.runtime.ReplayHarness.OrderBatch;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.CapacityUsage;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.sluice.functions.runtime.ReplayHarness.SHARDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Lambda instance churn costs the state store: {@code gmv-by-category} over 2 shards in batches of 1,000, with
 * each shard kept on one warm instance, and with every batch on a new instance (the worst case: scale-out, a
 * reshard, instances recycled). DynamoDB calls and estimated units per 1,000 records on the local engine; results
 * checked against an in-memory run. Not a {@code *Test}: run it on request,
 * {@code mvn -o -pl functions test -Dtest=ColdInstanceStateBenchmark -Dsluice.benchmark.records=40000}
 * ({@code -Dsluice.benchmark.batchSize}: records per batch, 1,000 by default).
 * The table goes to standard output and {@code target/benchmarks/cold-instance-state.md}.
 */
@ExtendWith(LocalAwsExtension.class)
class ColdInstanceStateBenchmark {

    @Test
    void reportsStateCostPerThousandRecords_warmAndWithANewInstancePerBatch(LocalAws aws) throws Exception {
        int records = Integer.getInteger("sluice.benchmark.records", 40_000);
        int batchSize = Integer.getInteger("sluice.benchmark.batchSize", 1_000);   // the event source mapping's BatchSize
        Map<String, List<OrderBatch>> batches = ReplayHarness.batches(records, batchSize);
        InMemoryStateStore memory = new InMemoryStateStore();
        List<ResultRow> expected = ReplayHarness.cleanRun(() -> memory, batches);
        List<String> lines = new ArrayList<>();
        lines.add("| instances | partial writes | fence conflicts | items preloaded | calls / 1k rec | calls by API "
                + "| write units / 1k rec (est.) | read units / 1k rec (est.) |");
        lines.add("|---|---:|---:|---:|---:|---|---:|---:|");
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            for (boolean newInstancePerBatch : List.of(false, true)) {
                String suffix = UUID.randomUUID().toString().substring(0, 8);
                StateTables.create(dynamo, "cold-state-" + suffix);
                StateTables.create(dynamo, "cold-coordination-" + suffix);
                DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo).withStateTable("cold-state-" + suffix)
                        .withCoordinationTable("cold-coordination-" + suffix).build();
                ReplayHarness h = new ReplayHarness(() -> store);
                Map<String, SplitProcessor> processors = new LinkedHashMap<>();
                SHARDS.forEach(s -> processors.put(s, h.newInstance(s, store)));
                CapacityUsage before = store.capacity();
                int rounds = batches.values().stream().mapToInt(List::size).max().orElse(0);
                for (int i = 0; i < rounds; i++) {
                    for (String shard : SHARDS) {
                        if (i < batches.get(shard).size()) {
                            SplitProcessor p = newInstancePerBatch ? h.newInstance(shard, store) : processors.get(shard);
                            h.process(p, batches.get(shard).get(i));
                            h.fire("firer");
                        }
                    }
                }
                CapacityUsage used = store.capacity().minus(before);
                // Firing after each batch (as the handler does) costs the same in both modes and is included.
                assertThat(h.finish(processors)).isEqualTo(expected);
                double perK = records / 1_000.0;
                lines.add(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %.1f | %s | %.1f | %.1f |",
                        newInstancePerBatch ? "new per batch" : "one per shard", h.metrics.partialWrites(),
                        h.metrics.fenceConflicts(), h.metrics.partialsPreloaded(), used.totalCalls() / perK,
                        new TreeMap<>(used.calls()), used.estimatedWriteUnits() / perK, used.estimatedReadUnits() / perK));
            }
        }
        Path out = Files.createDirectories(Path.of("target", "benchmarks")).resolve("cold-instance-state.md");
        Files.write(out, lines);
        lines.forEach(System.out::println);
    }
}

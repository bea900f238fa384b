package io.sluice.functions.local;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hot key whose state outgrows one DynamoDB item (issue 18: exact distinct users of a hot category failed with
 * "Partial [...] is 551152 bytes, over the 409600-byte item limit"): one key holding every order, its exact
 * distinct set over 400 KB per split, in batch and stream mode, on the in-memory store and on DynamoDB.
 */
@ExtendWith(LocalAwsExtension.class)
class UnboundedStateTest {

    private static DynamoDbClient dynamo;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect(LocalAws aws) {
        dynamo = aws.dynamoDb();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    /** One hot key ("all"): the distinct (order, user) pairs of an hour, about 11 bytes each encoded. */
    private static PipelineDefinition<Long> distinctPairsPerHour() {
        return Pipeline.from(Source.jsonLines(Order.class))
                .withTimestamps(Order::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                .keyBy("scope", o -> "all")
                .window(TumblingWindows.of(Duration.ofHours(1)))
                .aggregate(Aggregates.countDistinct(o -> o.orderId() + "/" + o.userId()))
                .to(Sink.results("distinct-pairs"));
    }

    private Path orders(long n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OrdersGenerator.builder().records(n).seed(18).duration(Duration.ofMinutes(30)).build().writeJsonLines(out);
        return Files.write(dir.resolve("orders-" + n + ".jsonl"), out.toByteArray());
    }

    private static List<ResultRow> run(LocalRunner runner, Path input, StateStore store, RunSummary[] summary)
            throws IOException {
        CollectingOutputs outputs = Outputs.collecting();
        summary[0] = runner.run(CompiledPipeline.compile(distinctPairsPerHour()), LocalInput.of(input), store, outputs);
        return outputs.finalResults();
    }

    @Test
    void aHotKeyOverOneItem_isCountedExactly_inBatchAndStreamMode() throws IOException {
        Path input = orders(100_000);
        RunSummary[] summary = new RunSummary[1];
        InMemoryStateStore batchStore = new InMemoryStateStore();

        List<ResultRow> batch = run(LocalRunner.batch(2, 5_000).withMinTaskBytes(1_000), input, batchStore, summary);
        assertThat(summary[0].metrics().largestKeyStateBytes()).as("hot key state").isGreaterThan(409_600);
        List<ResultRow> stream = run(LocalRunner.stream(2, 2_000), input, new InMemoryStateStore(), summary);

        assertThat(batch).isEqualTo(stream);
        assertThat(batch.stream().mapToLong(r -> (Long) r.value()).sum()).isEqualTo(100_000);
        assertThat(batchStore.chunkedWrites()).as("writes DynamoDB would chunk").isPositive();
        assertThat(summary[0].metrics().largePartialWrites()).isPositive();
    }

    @Test
    void aHotKeyOverOneItem_onDynamoDb_givesTheInMemoryResults() throws IOException {
        Path input = orders(3_000);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        StateTables.create(dynamo, "unbounded-state-" + suffix);
        StateTables.create(dynamo, "unbounded-coordination-" + suffix);
        DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo)
                .withStateTable("unbounded-state-" + suffix).withCoordinationTable("unbounded-coordination-" + suffix)
                .withItemLimit(4_096).build();  // 3,000 pairs are about 33 KB: several chunks per write
        RunSummary[] summary = new RunSummary[1];

        List<ResultRow> onDynamo = run(LocalRunner.stream(2, 500), input, store, summary);
        List<ResultRow> inMemory = run(LocalRunner.batch(1, 10_000), input, new InMemoryStateStore(), summary);

        assertThat(onDynamo).isEqualTo(inMemory);
        assertThat(onDynamo.stream().mapToLong(r -> (Long) r.value()).sum()).isEqualTo(3_000);
        // Chunked: new slices go out in BatchWriteItem calls (ChunkWrites), each write's head in a PutItem.
        assertThat(store.capacity().calls().getOrDefault("BatchWriteItem", 0L)).as("chunk writes").isGreaterThan(5);
        assertThat(store.capacity().calls().get("PutItem")).isGreaterThan(5);
    }
}

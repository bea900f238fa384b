package io.sluice.functions.runtime;

import io.sluice.functions.api.Aggregates;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.Pipeline;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.Sink;
import io.sluice.functions.api.Source;
import io.sluice.functions.examples.Order;
import io.sluice.functions.testing.PipelineTestDriver;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.Trigger;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every window kind of the runtime behaves the same on DynamoDB as on the in-memory store: tumbling windows with
 * allowed lateness, sliding windows, session windows (firing rounds, fired watermark, retired panes) and early
 * firings, over three splits with restarts, redeliveries and late records.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbDriverParityTest {

    private static final WatermarkStrategy DISORDER = WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5));
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void connect(LocalAws aws) {
        dynamo = aws.dynamoDb();
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    private static PipelineDefinition<CountAndSum> definition(String kind) {
        var keyed = Pipeline.from(Source.jsonLines(Order.class)).withTimestamps(Order::ts, DISORDER)
                .keyBy("category", Order::category);
        return switch (kind) {
            case "tumbling" -> keyed.window(TumblingWindows.of(Duration.ofMinutes(1))
                    .withAllowedLateness(Duration.ofSeconds(20))).aggregate(Aggregates.countAndSum(Order::amount))
                    .to(Sink.results("parity"));
            case "sliding" -> keyed.window(SlidingWindows.of(Duration.ofMinutes(2), Duration.ofMinutes(1)))
                    .aggregate(Aggregates.countAndSum(Order::amount)).to(Sink.results("parity"));
            case "session" -> keyed.window(SessionWindows.withGap(Duration.ofSeconds(40)))
                    .aggregate(Aggregates.countAndSum(Order::amount)).to(Sink.results("parity"));
            case "early" -> Pipeline.from(Source.jsonLines(Order.class)).withTimestamps(Order::ts, DISORDER)
                    .windowAll(TumblingWindows.of(Duration.ofMinutes(1)))
                    .trigger(Trigger.atWatermark().withEarlyFiringsEvery(Duration.ofSeconds(15)))
                    .aggregate(Aggregates.countAndSum(Order::amount)).to(Sink.results("parity"));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Seeded orders on three splits, flushed at random, with a restart, a redelivery and a few late orders. */
    private static PipelineTestDriver<CountAndSum> drive(PipelineDefinition<CountAndSum> def, StateStore store) {
        Random random = new Random(5);
        PipelineTestDriver<CountAndSum> driver = new PipelineTestDriver<>(def, store);
        long arrival = 1_605_024_000_000L;
        for (int i = 0; i < 150; i++) {
            arrival += random.nextInt(4_000);
            // Late by 90 s (a session record joining its category's open session still counts) or by an hour.
            long ts = random.nextInt(10) == 0 ? arrival - (random.nextBoolean() ? 90_000 : 3_600_000)
                    : arrival - random.nextInt(5_000);
            driver.pipe("shard-" + random.nextInt(3),
                    new Order("o-" + i, "u-1", "c-" + random.nextInt(4), random.nextInt(10_000) - 500, ts));
            if (random.nextInt(8) == 0) {
                driver.flush();
            }
            if (i == 70) {
                driver.restart();
            }
            if (i == 100) {
                driver.flush().redeliver("shard-1");
            }
        }
        return driver.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tumbling", "sliding", "session", "early"})
    void resultsOnDynamoDb_equalTheInMemoryResults(String kind) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        StateTables.create(dynamo, "parity-state-" + suffix);
        StateTables.create(dynamo, "parity-coordination-" + suffix);
        DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo)
                .withStateTable("parity-state-" + suffix).withCoordinationTable("parity-coordination-" + suffix)
                .withWindowBuckets(2).build();

        try (PipelineTestDriver<CountAndSum> expected = drive(definition(kind), new InMemoryStateStore());
             PipelineTestDriver<CountAndSum> actual = drive(definition(kind), store)) {
            assertThat(expected.results()).isNotEmpty();
            assertThat(actual.results()).isEqualTo(expected.results());
            assertThat(actual.earlyResults()).isEqualTo(expected.earlyResults());
            assertThat(actual.lateRecords()).isEqualTo(expected.lateRecords());
            if (kind.equals("early")) {
                assertThat(actual.earlyResults()).isNotEmpty();
            }
            List<Long> lateTimestamps = actual.lateRecords().stream().map(LateRecord::timestamp).toList();
            assertThat(lateTimestamps).as("the scenario does produce late records").isNotEmpty();
        }
    }
}

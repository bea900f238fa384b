package io.sluice.functions.local;

import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class LocalRunnerTest {

    @TempDir
    Path dir;

    private static byte[] orders(long n, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OrdersGenerator.builder().records(n).seed(seed).duration(Duration.ofMinutes(10)).build().writeJsonLines(out);
        return out.toByteArray();
    }

    private static List<ResultRow> run(LocalRunner runner, LocalInput input, CollectingOutputs outputs) {
        runner.run(CompiledPipeline.compile(GmvPipelines.byCategory()), input, new InMemoryStateStore(), outputs);
        return outputs.finalResults();
    }

    @Test
    void batchAndStream_giveIdenticalResults_onPlainAndGzipFiles() throws IOException {
        byte[] data = orders(30_000, 7);
        Path plain = Files.write(dir.resolve("orders.jsonl"), data);
        Path gz = dir.resolve("orders.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(data);
        }

        List<ResultRow> batch = run(LocalRunner.batch(3, 1_000).withMinTaskBytes(100_000), LocalInput.of(plain), Outputs.collecting());
        List<ResultRow> stream = run(LocalRunner.stream(4, 500), LocalInput.of(plain), Outputs.collecting());
        List<ResultRow> gzBatch = run(LocalRunner.batch(3, 1_000), LocalInput.of(gz), Outputs.collecting());
        List<ResultRow> piped = run(LocalRunner.stream(2, 100), LocalInput.ofStream(() -> new ByteArrayInputStream(data)), Outputs.collecting());

        assertThat(batch).isNotEmpty().isEqualTo(stream).isEqualTo(gzBatch).isEqualTo(piped);
    }

    @Test
    void rejects_carryAbsoluteLineNumbers_whateverTheTask() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : new String(orders(5_000, 3), StandardCharsets.UTF_8).split("\n")) {
            lines.add(line);
        }
        lines.set(9, "{broken");                                   // line 10
        lines.set(2_499, "{\"orderId\":\"o\"}");                  // line 2500
        lines.set(4_999, "x".repeat(1_100_000));                   // line 5000, oversized, no trailing newline
        Path file = Files.writeString(dir.resolve("bad.jsonl"), String.join("\n", lines));
        CollectingOutputs outputs = Outputs.collecting();

        RunSummary summary = LocalRunner.batch(4, 700).withMinTaskBytes(50_000)
                .run(CompiledPipeline.compile(GmvPipelines.total()), LocalInput.of(file), new InMemoryStateStore(), outputs);

        assertThat(summary.splits()).isEqualTo(4);
        assertThat(summary.metrics().recordsIn()).isEqualTo(5_000);
        assertThat(summary.metrics().rejected()).isEqualTo(3);
        assertThat(outputs.rejectedRecords()).extracting(RejectedRecord::position, RejectedRecord::reason)
                .containsExactly(tuple("line=10", "not JSON"), tuple("line=2500", "field userId: missing"),
                        tuple("line=5000", "record over 1048576 bytes"));
        long counted = outputs.finalResults().stream().mapToLong(r -> ((io.sluice.functions.api.CountAndSum) r.value()).count()).sum();
        assertThat(counted).isEqualTo(4_997);
    }

    @Test
    void emptyInput_producesNoResults() throws IOException {
        Path empty = Files.write(dir.resolve("empty.jsonl"), new byte[0]);

        assertThat(run(LocalRunner.batch(2, 10), LocalInput.of(empty), Outputs.collecting())).isEmpty();
        assertThat(run(LocalRunner.stream(2, 10), LocalInput.of(empty), Outputs.collecting())).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0} tasks, {1} shards, batches of {2}, {3} records")
    @MethodSource("runShapes")
    void batchTasks_andStreamShards_neverChangeResults(int tasks, int shards, int batchSize, int records)
            throws IOException {
        Path file = Files.createTempFile("orders", ".jsonl");
        try {
            Files.write(file, orders(records, records));
            List<ResultRow> reference = run(LocalRunner.batch(1, 1_000_000), LocalInput.of(file), Outputs.collecting());

            List<ResultRow> batch = run(LocalRunner.batch(tasks, batchSize).withMinTaskBytes(10_000), LocalInput.of(file), Outputs.collecting());
            List<ResultRow> stream = run(LocalRunner.stream(shards, batchSize), LocalInput.of(file), Outputs.collecting());

            assertThat(batch).isEqualTo(reference);
            assertThat(stream).isEqualTo(reference);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * 25 cases: six that take each parameter to each of its edges at least once (tasks and shards 1, 2, 5, 6; batch
     * sizes 1, 2, 1999, 2000; records 0, 1, 2, 2999, 3000), the costliest (batches of one over 3000 records) among
     * them, then shapes drawn from a fixed seed.
     */
    static Stream<Arguments> runShapes() {
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of(1, 1, 1, 0),
                Arguments.of(6, 6, 2_000, 3_000),
                Arguments.of(1, 6, 1, 3_000),
                Arguments.of(6, 1, 2_000, 1),
                Arguments.of(2, 5, 2, 2),
                Arguments.of(5, 2, 1_999, 2_999)));
        Random random = new Random(25);
        while (cases.size() < 25) {
            cases.add(Arguments.of(1 + random.nextInt(6), 1 + random.nextInt(6), 1 + random.nextInt(2_000),
                    random.nextInt(3_001)));
        }
        return cases.stream();
    }

    @Test
    void lateRecordsInStreamMode_goToTheLateOutput_andBatchModeCountsThem() throws IOException {
        List<String> lines = new ArrayList<>();
        for (long ts = 0; ts < 300_000; ts += 1_000) {
            lines.add(new Order("o-" + ts, "u", "c", 1, ts).toJson());
        }
        lines.add(new Order("late", "u", "c", 1, 10_000).toJson());   // 290 s behind
        Path file = Files.write(dir.resolve("late.jsonl"), lines);

        CollectingOutputs streamOut = Outputs.collecting();
        RunSummary stream = LocalRunner.stream(1, 10)
                .run(CompiledPipeline.compile(GmvPipelines.total()), LocalInput.of(file), new InMemoryStateStore(), streamOut);
        RunSummary batch = LocalRunner.batch(1, 10)
                .run(CompiledPipeline.compile(GmvPipelines.total()), LocalInput.of(file), new InMemoryStateStore(), Outputs.collecting());

        assertThat(stream.metrics().late()).isEqualTo(1);
        assertThat(streamOut.lateRecords()).singleElement().satisfies(r -> assertThat(r.position()).isEqualTo("line=301"));
        assertThat(batch.metrics().late()).isZero();
    }

    @ParameterizedTest(name = "[{index}] {0} shards, batches of {1}")
    @MethodSource("parallelCases")
    void streamShardsOnSeveralThreads_giveTheSameResultsLateAndRejectedRecords_inTheSameOrder(int shards, int batchSize)
            throws IOException {
        // Orders with disorder, some of them far behind their shard (late), and malformed lines among them.
        Random random = new Random(11);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long ts = i * 30L + random.nextInt(4_000);
            if (i % 997 == 0) {
                ts -= 200_000;    // minutes behind: late in stream mode
            }
            lines.add(i % 1_201 == 0 ? "{\"orderId\": broken" : new Order("o-" + i, "u-" + i % 50, "c-" + i % 13, 100 + i, ts).toJson());
        }
        Path file = Files.write(dir.resolve("messy.jsonl"), lines);
        CompiledPipeline pipeline = CompiledPipeline.compile(GmvPipelines.byCategory());
        CollectingOutputs parallel = Outputs.collecting();
        CollectingOutputs sequential = Outputs.collecting();

        LocalRunner.stream(shards, batchSize).withShardThreads(4).run(pipeline, LocalInput.of(file), new InMemoryStateStore(), parallel);
        LocalRunner.stream(shards, batchSize).withShardThreads(1).run(pipeline, LocalInput.of(file), new InMemoryStateStore(), sequential);

        assertThat(parallel.lateRecords()).hasSizeGreaterThan(5).isEqualTo(sequential.lateRecords());
        assertThat(parallel.rejectedRecords()).hasSizeGreaterThan(5).isEqualTo(sequential.rejectedRecords());
        assertThat(parallel.lateRecords()).extracting(r -> Long.parseLong(r.position().substring("line=".length()))).isSorted();
        assertThat(parallel.finalResults()).isNotEmpty().isEqualTo(sequential.finalResults());
    }

    static Stream<Arguments> parallelCases() {
        return Stream.of(Arguments.of(2, 100), Arguments.of(4, 1_000), Arguments.of(7, 37), Arguments.of(16, 500));
    }
}

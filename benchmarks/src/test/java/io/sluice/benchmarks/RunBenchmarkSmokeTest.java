package io.sluice.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the benchmark from rotting: every variant on 2,000 records, once, results compared. */
class RunBenchmarkSmokeTest {

    @Test
    void shouldRunEveryVariantWithIdenticalResults(@TempDir Path dir) {
        // Arrange
        BenchmarkOptions options = BenchmarkOptions.parse("--records", "2000", "--seed", "7", "--warmup", "0",
                "--repeat", "1", "--dir", dir.toString(), "--tasks", "2");
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        // Act
        RunBenchmark.run(options, new PrintStream(table, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        // Assert
        String out = table.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("| gmv-by-category | loop (Jackson bind) |", "| gmv-total | loop (hand scanner) |", "| gmv-total | stream 4 shards x1000 |",
                "| gmv-by-category | batch x2 tasks |", "| gmv-total | batch x1 task |");
        int variants = Runtime.getRuntime().availableProcessors() > 1 ? 7 : 6;   // stream on one thread too when it can use more
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("gmv-by-category: all " + variants + " runs produced the same");
    }
}

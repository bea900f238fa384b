package io.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SluiceCommandTest {

    @TempDir
    Path dir;

    /** Runs the CLI, returning {exit code, stderr}. */
    private static Object[] sluice(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = SluiceCommand.execute(args);
            return new Object[] {code, captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void genThenRun_writesSortedCsv_identicalInBatchAndStreamMode() throws Exception {
        Path orders = dir.resolve("orders.jsonl.gz");
        assertThat(sluice("gen", "--records", "20000", "--seed", "3", "--out", orders.toString())[0]).isEqualTo(0);

        Object[] batch = sluice("run", "--pipeline", "gmv-by-category", "--input", orders.toString(),
                "--out", dir.resolve("batch.csv").toString());
        Object[] stream = sluice("run", "--pipeline", "gmv-by-category", "--input", orders.toString(),
                "--out", dir.resolve("stream.csv").toString(), "--mode", "stream", "--shards", "3", "--batch-size", "250");

        assertThat(batch[0]).isEqualTo(0);
        assertThat(stream[0]).isEqualTo(0);
        assertThat((String) batch[1]).contains("20000 records in", "0 dead letters", "0 late", "records/s");
        List<String> lines = Files.readAllLines(dir.resolve("batch.csv"));
        assertThat(lines.get(0)).isEqualTo("window_start_ms,category,count,sum_cents");
        assertThat(lines).hasSizeGreaterThan(100);
        assertThat(Files.readAllLines(dir.resolve("stream.csv"))).isEqualTo(lines);
        assertThat(Files.readString(dir.resolve("batch.dead-letters.jsonl"))).isEmpty();
    }

    @Test
    void run_writesRejectsWithLineNumberAndReason_andKeepsGoing() throws Exception {
        Path input = Files.writeString(dir.resolve("in.jsonl"), String.join("\n",
                "{\"orderId\":\"o-1\",\"userId\":\"u\",\"category\":\"c\",\"amount\":5,\"ts\":0}",
                "{\"orderId\":\"o-2\",\"userId\":\"u\",\"category\":\"c\",\"amount\":\"five\",\"ts\":0}",
                "not json at all",
                "{\"orderId\":\"o-3\",\"userId\":\"u\",\"category\":\"c\",\"amount\":7,\"ts\":1000}"));

        Object[] result = sluice("run", "--pipeline", "gmv-total", "--input", input.toString(),
                "--out", dir.resolve("out.csv").toString());

        assertThat(result[0]).isEqualTo(0);
        assertThat((String) result[1]).contains("2 dead letters", "dead letters: 2 records, see");
        assertThat(Files.readAllLines(dir.resolve("out.csv"))).containsExactly("window_start_ms,count,sum_cents", "0,2,12");
        List<String> rejects = Files.readAllLines(dir.resolve("out.dead-letters.jsonl"));
        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(0)).startsWith("{\"line\":2,\"reason\":\"field amount: not an integer\"");
        assertThat(rejects.get(1)).startsWith("{\"line\":3,\"reason\":\"not JSON\"");
    }

    @Test
    void run_readsStandardInput() throws Exception {
        InputStream in = System.in;
        System.setIn(new ByteArrayInputStream(
                "{\"orderId\":\"o-1\",\"userId\":\"u\",\"category\":\"c\",\"amount\":5,\"ts\":0}\n".getBytes(StandardCharsets.UTF_8)));
        try {
            Object[] result = sluice("run", "--pipeline", "gmv-total", "--input", "-", "--out",
                    dir.resolve("stdin.csv").toString(), "--mode", "stream");

            assertThat(result[0]).isEqualTo(0);
            assertThat(Files.readAllLines(dir.resolve("stdin.csv"))).containsExactly("window_start_ms,count,sum_cents", "0,1,5");
        } finally {
            System.setIn(in);
        }
    }

    @Test
    void run_failsWithOneLineAndExitCode2_forUnknownPipelineOrMissingInput() {
        Object[] unknown = sluice("run", "--pipeline", "nope", "--input", "x", "--out", dir.resolve("o.csv").toString());
        Object[] missing = sluice("run", "--pipeline", "gmv-total", "--input", dir.resolve("absent.jsonl").toString(),
                "--out", dir.resolve("o.csv").toString());
        Object[] badMode = sluice("run", "--pipeline", "gmv-total", "--input", "x", "--out", "o.csv", "--mode", "fast");

        assertThat(unknown[0]).isEqualTo(2);
        assertThat(((String) unknown[1]).strip()).isEqualTo("error: Unknown pipeline [nope]; known pipelines: gmv-by-category, gmv-total");
        assertThat(missing[0]).isEqualTo(2);
        assertThat(((String) missing[1]).strip()).startsWith("error: input file not found:").doesNotContain("\n");
        assertThat(badMode[0]).isEqualTo(2);
    }

    @Test
    void run_sendsTheRecordThatWouldOverflowASumToTheDeadLetters_andCountsTheRest() throws Exception {
        Path input = Files.writeString(dir.resolve("huge.jsonl"), String.join("\n",
                "{\"orderId\":\"o-1\",\"userId\":\"u\",\"category\":\"c\",\"amount\":9223372036854775807,\"ts\":0}",
                "{\"orderId\":\"o-2\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":0}"));

        Object[] result = sluice("run", "--pipeline", "gmv-total", "--input", input.toString(), "--out",
                dir.resolve("huge.csv").toString());

        assertThat(result[0]).isEqualTo(0);
        assertThat(Files.readString(dir.resolve("huge.csv"))).contains("0,1,9223372036854775807");
        assertThat(Files.readString(dir.resolve("huge.dead-letters.jsonl")))
                .contains("\"line\":2", "aggregate overflow");
    }
}

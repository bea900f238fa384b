package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --max-dead-letters N} (and {@code --max-side-output-bytes B}) stop a run over bad input early (issue 14, reject
 * amplification): the run reads a bounded part of the input, exits 3 with a message saying how much it read, and the
 * dead-letters file holds exactly the first N in input line order: the first N lines of what an unlimited run
 * writes, whatever the thread timing. {@code --max-rejects} is the option's former name.
 */
class MaxDeadLettersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern READ = Pattern.compile("after reading (\\d+) records");

    @TempDir
    Path dir;

    record Run(int code, String err) {
    }

    private static Run sluice(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = SluiceCommand.execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    private Run run(String mode, Path input, String name, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--pipeline", "gmv-by-category", "--mode", mode,
                "--input", input.toString(), "--out", dir.resolve(name + ".csv").toString(), "--quiet"));
        args.addAll(List.of(more));
        return sluice(args.toArray(String[]::new));
    }

    private static long recordsRead(Run run) {
        Matcher m = READ.matcher(run.err());
        assertThat(m.find()).as("records read in: %s", run.err()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private List<String> lines(String file) throws IOException {
        return Files.readAllLines(dir.resolve(file));
    }

    private static long lineOf(String jsonLine) {
        try {
            return JSON.readTree(jsonLine).get("line").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A million lines of garbage, two bytes each (2 MB: two batch tasks of 1 MiB). */
    private Path garbage() throws IOException {
        return Files.write(dir.resolve("garbage.jsonl"), "x\n".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * About 1.3 MB: orders with a bad line every 5,000th and a few late ones, then garbage. With two batch tasks the
     * first task has only 2 rejects, so the first 10 span both tasks.
     */
    private Path mixed() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12_000; i++) {
            if (i % 5_000 == 4_999) {
                text.append("{\"orderId\": broken ").append(i).append('\n');
            }
            long ts = i % 3_001 == 3_000 ? 1_000 : i * 50L;   // now and then a record minutes late
            text.append("{\"orderId\":\"o-").append(i).append("\",\"userId\":\"u").append(i % 7)
                    .append("\",\"category\":\"c").append(i % 5).append("\",\"amount\":").append(i % 97 + 1)
                    .append(",\"ts\":").append(ts).append("}\n");
        }
        for (int i = 0; i < 5_000; i++) {
            text.append("not an order, line of garbage number ").append(i).append(" ................\n");
        }
        return Files.writeString(dir.resolve("mixed.jsonl"), text);
    }

    @ParameterizedTest(name = "{0} mode")
    @CsvSource({"batch, --tasks, 2", "stream, --shards, 4"})
    void aMillionGarbageLines_withMaxRejects10_stopEarly_withExitCode3_andExactlyTheFirst10(
            String mode, String splitOption, String splits) throws IOException {
        Path input = garbage();

        Run run = run(mode, input, "g", splitOption, splits, "--batch-size", "1000", "--max-dead-letters", "10");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err()).contains("error: stopped: more than 10 dead letters (--max-dead-letters 10) after reading ",
                "the first 10 are in " + dir.resolve("g.dead-letters.jsonl") + ", no results were written");
        // Batch: each task stops after its first batch. Stream: the reader stops within the batches that can be in
        // flight (one filling per shard, two per worker thread), far below the input's million.
        long bound = mode.equals("batch") ? 2 * 1_000 : (4 + 4 + 2L * Runtime.getRuntime().availableProcessors()) * 1_000;
        assertThat(recordsRead(run)).isPositive().isLessThanOrEqualTo(bound);
        List<String> rejects = lines("g.dead-letters.jsonl");
        assertThat(rejects).hasSize(10);
        assertThat(rejects.stream().map(MaxDeadLettersTest::lineOf).toList())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(dir.resolve("g.csv")).doesNotExist();
    }

    @ParameterizedTest(name = "{0} mode")
    @CsvSource({"batch, --tasks, 2", "stream, --shards, 4"})
    void aMillionGarbageLines_withMaxRejectBytes_stopEarly_andTheRejectsFileStaysWithinTheBytes(
            String mode, String splitOption, String splits) throws IOException {
        Path input = garbage();

        Run run = run(mode, input, "b", splitOption, splits, "--batch-size", "1000", "--max-side-output-bytes", "20000");

        assertThat(run.code()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("error: stopped: dead letters and late records passed 20000 bytes (--max-side-output-bytes 20000) "
                + "after reading ");
        assertThat(recordsRead(run)).isLessThanOrEqualTo(100_000);
        Path rejects = dir.resolve("b.dead-letters.jsonl");
        // The budget counts spooled bytes; a file line ({"line":N,"reason":"not JSON","record":"x"}) is about a third
        // of its spooled size since reasons are short fixed words (RejectReasons), so the file holds 6-7 KB of it.
        assertThat(Files.size(rejects)).isBetween(5_000L, 20_000L);
        List<String> lines = lines("b.dead-letters.jsonl");
        assertThat(lines.stream().map(MaxDeadLettersTest::lineOf).toList())
                .isEqualTo(LongStream.rangeClosed(1, lines.size()).boxed().toList());
        assertThat(run.err()).contains("the first " + lines.size() + " are in " + rejects);
    }

    @Test
    void lateRecordsCountAgainstTheSideOutputBytes_soARepeatedLateOrderStopsEarlyToo() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            text.append("{\"orderId\":\"o-").append(i).append("\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":")
                    .append(i * 500L).append("}\n");
        }
        String late = "{\"orderId\":\"old\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":0}\n";
        Path input = Files.writeString(dir.resolve("late.jsonl"), text + late.repeat(300_000));

        Run run = run("stream", input, "late", "--shards", "2", "--batch-size", "1000",
                "--max-side-output-bytes", "20000");

        assertThat(run.code()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("error: stopped: dead letters and late records passed 20000 bytes "
                + "(--max-side-output-bytes 20000) after reading ", "the first 0 are in");
        assertThat(recordsRead(run)).isLessThanOrEqualTo(100_000);
        assertThat(Files.size(dir.resolve("late.late.jsonl"))).isBetween(5_000L, 20_000L);
        assertThat(lines("late.dead-letters.jsonl")).isEmpty();
        assertThat(dir.resolve("late.csv")).doesNotExist();
    }

    @ParameterizedTest(name = "{0} mode")
    @CsvSource({"batch, --tasks, 2", "stream, --shards, 4"})
    void anEarlyStop_writesTheSameFirstRejectsAndLateRecords_asAnUnlimitedRun(
            String mode, String splitOption, String splits) throws IOException {
        Path input = mixed();

        Run all = run(mode, input, "all", splitOption, splits, "--batch-size", "500");
        Run limited = run(mode, input, "lim", splitOption, splits, "--batch-size", "500", "--max-rejects", "10");

        assertThat(all.code()).isZero();
        assertThat(limited.code()).as(limited.err()).isEqualTo(3);
        List<String> allRejects = lines("all.dead-letters.jsonl");
        assertThat(lines("lim.dead-letters.jsonl")).containsExactlyElementsOf(allRejects.subList(0, 10));
        assertThat(allRejects.subList(0, 10).stream().map(MaxDeadLettersTest::lineOf)).anyMatch(line -> line > 12_000);
        long stopLine = lineOf(allRejects.get(10));
        List<String> lateBefore = lines("all.late.jsonl").stream().filter(l -> lineOf(l) < stopLine).toList();
        assertThat(lines("lim.late.jsonl")).containsExactlyElementsOf(lateBefore);
        if (mode.equals("stream")) {
            assertThat(lateBefore).isNotEmpty();
        }
        assertThat(recordsRead(limited)).isLessThan(Files.readAllLines(input).size());
    }

    @ParameterizedTest(name = "{0} mode")
    @CsvSource({"batch, --tasks, 2", "stream, --shards, 4"})
    void aRunUnderTheLimit_writesByteIdenticalOutputs(String mode, String splitOption, String splits) throws IOException {
        Path input = mixed();
        int rejects = (int) Files.readAllLines(input).stream().filter(l -> !l.startsWith("{\"orderId\":\"")).count();

        Run unlimited = run(mode, input, "u", splitOption, splits, "--batch-size", "500");
        Run atLimit = run(mode, input, "l", splitOption, splits, "--batch-size", "500",
                "--max-dead-letters", Integer.toString(rejects));

        assertThat(unlimited.code()).isZero();
        assertThat(atLimit.code()).as(atLimit.err()).isZero();
        assertThat(lines("u.dead-letters.jsonl")).hasSize(rejects);
        for (String suffix : List.of(".csv", ".dead-letters.jsonl", ".late.jsonl")) {
            assertThat(Files.readAllBytes(dir.resolve("l" + suffix))).as(suffix)
                    .isEqualTo(Files.readAllBytes(dir.resolve("u" + suffix)));
        }
    }
}

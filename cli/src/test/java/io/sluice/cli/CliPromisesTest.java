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
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the CLI promises a user who goes one step past the happy path (issue 14): one-line usage errors, refused
 * inputs that would be lost, pipes through standard input and output, warnings for options that do nothing, a clear
 * stop on too many rejects, one line per log event, and an {@code eval}-able {@code local up}.
 */
class CliPromisesTest {

    private static final String ORDER = "{\"orderId\":\"o-1\",\"userId\":\"u\",\"category\":\"c\",\"amount\":5,\"ts\":0}\n";

    @TempDir
    Path dir;

    /** Exit code, standard output and standard error of one command. */
    record Run(int code, String out, String err) {
    }

    private static Run sluice(byte[] stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream(stdin));
        try {
            int code = SluiceCommand.execute(args);
            return new Run(code, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    private static Run sluice(String... args) {
        return sluice(new byte[0], args);
    }

    @Test
    void anInvalidOption_printsOneLineAndAPointerToHelp_notTheUsage() {
        Run run = sluice("run", "--pipeline", "gmv-total", "--input", "x", "--out", "y", "--bogus");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines().toList()).containsExactly("error: Unknown option: '--bogus'", "try: sluice run --help");
    }

    @Test
    void aDirectoryAsInput_isNamedAsADirectory() {
        Run run = sluice("run", "--pipeline", "gmv-total", "--input", dir.toString(), "--out", dir.resolve("o.csv").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: --input " + dir + " is a directory: give a file, or - for standard input\n");
    }

    @Test
    void anOutputThatIsTheInput_isRefused_andTheInputIsKept() throws Exception {
        Path input = Files.writeString(dir.resolve("orders.jsonl"), ORDER);

        Run same = sluice("run", "--pipeline", "gmv-total", "--input", input.toString(), "--out", input.toString());
        Run viaRejects = sluice("run", "--pipeline", "gmv-total", "--input", input.toString(),
                "--out", dir.resolve("o.csv").toString(), "--rejects", dir.resolve("./orders.jsonl").toString());

        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).contains("is also an output", "would be overwritten");
        assertThat(viaRejects.code()).isEqualTo(2);
        assertThat(Files.readString(input)).isEqualTo(ORDER);
    }

    @Test
    void genToStandardOutput_pipesIntoRunFromStandardInputToStandardOutput() throws Exception {
        Run gen = sluice("gen", "--records", "2000", "--seed", "5", "--out", "-");
        Path file = dir.resolve("orders.jsonl");
        assertThat(sluice("gen", "--records", "2000", "--seed", "5", "--out", file.toString()).code()).isZero();

        Run piped = sluice(gen.out().getBytes(StandardCharsets.UTF_8),
                "run", "--pipeline", "gmv-total", "--input", "-", "--out", "-",
                "--rejects", dir.resolve("r.jsonl").toString(), "--late", dir.resolve("l.jsonl").toString());
        Run fromFile = sluice("run", "--pipeline", "gmv-total", "--input", file.toString(),
                "--out", dir.resolve("gmv.csv").toString());

        assertThat(gen.code()).isZero();
        assertThat(gen.out()).isEqualTo(Files.readString(file));
        assertThat(piped.code()).isZero();
        assertThat(piped.out()).startsWith("window_start_ms,count,sum_cents\n")
                .isEqualTo(Files.readString(dir.resolve("gmv.csv")));
        assertThat(piped.err()).contains("results: standard output");
        assertThat(fromFile.code()).isZero();
        assertThat(dir.resolve("-")).doesNotExist();
    }

    @Test
    void shardsInBatchMode_andAnEmptyInput_areWarnedAbout() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");

        Run run = sluice("run", "--pipeline", "gmv-total", "--input", empty.toString(),
                "--out", dir.resolve("o.csv").toString(), "--shards", "8");

        assertThat(run.code()).isZero();
        assertThat(run.err()).contains("warning: --shards applies to --mode stream",
                "warning: the input " + empty + " is empty: no records, no results");
    }

    @Test
    void moreRejectsThanMaxRejects_stopTheRunWithExitCode3_andTheRejectsFileHoldsExactlyTheLimit() throws Exception {
        String lines = String.join("", IntStream.range(0, 500).mapToObj(i -> "not json " + i + "\n").toList()) + ORDER;
        Path input = Files.writeString(dir.resolve("bad.jsonl"), lines);

        Run run = sluice("run", "--pipeline", "gmv-total", "--input", input.toString(),
                "--out", dir.resolve("o.csv").toString(), "--max-rejects", "25", "--quiet");
        Run within = sluice("run", "--pipeline", "gmv-total", "--input", input.toString(),
                "--out", dir.resolve("ok.csv").toString(), "--max-rejects", "500", "--quiet");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err()).contains("error: stopped: more than 25 dead letters (--max-dead-letters 25)");
        assertThat(Files.readAllLines(dir.resolve("o.dead-letters.jsonl"))).hasSize(25);
        assertThat(dir.resolve("o.csv")).doesNotExist();
        assertThat(within.code()).isZero();
        assertThat(Files.readAllLines(dir.resolve("ok.csv"))).containsExactly("window_start_ms,count,sum_cents", "0,1,5");
    }

    @Test
    void aLogEvent_isOneLine_evenWithANewlineOrAnException() {
        LogRecord record = new LogRecord(Level.WARNING, "Rejected record.\nsecond line");
        record.setLoggerName("io.sluice.functions.runtime.SplitProcessor");
        record.setThrown(new IllegalStateException("boom\nat somewhere"));

        String line = OneLineLogging.format(record);

        assertThat(line).doesNotContain("\n")
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARNING SplitProcessor: Rejected record\\. second line \\(boom\\)");
    }

    @Test
    void localUp_printsOnlyExportLinesOnStandardOutput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String describe = "Local AWS (emulators, region us-east-1)\n  kinesis   http://127.0.0.1:1\n"
                + "export AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:1\nexport AWS_REGION=us-east-1\n# a comment\n";

        LocalCommand.splitExports(describe, new PrintStream(out, true), new PrintStream(err, true));

        assertThat(out.toString().lines().toList()).containsExactly(
                "export AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:1", "export AWS_REGION=us-east-1");
        assertThat(err.toString()).contains("Local AWS (emulators", "# a comment").doesNotContain("export");
    }

    @Test
    void localStatus_exitsNonZero_whenNothingRuns() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(LocalCommand.stateDir().resolve("state.json")),
                "a local AWS of this checkout is running");

        Run run = sluice("local", "status");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("not running");
    }

    @Test
    void localUpWithLocalStack_withoutTheComposePlugin_saysSoInOneLine_notDockersUsage() {
        org.junit.jupiter.api.Assumptions.assumeFalse(LocalCommand.composeAvailable(),
                "docker compose answers here: local up would start LocalStack");

        Run run = sluice("local", "up", "--env", "localstack", "--stage", "compose-check");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines()).singleElement().asString()
                .contains("--env localstack needs Docker with the compose plugin", "use --env emulators");
    }

    @Test
    void noSlf4jProviderWarnings() {
        Run run = sluice("run", "--pipeline", "gmv-total", "--input", "missing.jsonl", "--out", "o.csv");

        org.slf4j.LoggerFactory.getLogger("io.sluice.test").info("through java.util.logging");
        assertThat(run.err()).doesNotContain("SLF4J");
        assertThat(org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName()).contains("JDK14");
        assertThat(List.of(run.code())).containsExactly(2);
    }

    @Test
    void oneSlf4jProviderOnTheClasspath_soNoCommandPrintsMultipleProviderWarnings() {
        // two providers (the dashboard's slf4j-simple came along once) make SLF4J print five warning lines
        List<String> providers = java.util.ServiceLoader.load(org.slf4j.spi.SLF4JServiceProvider.class).stream()
                .map(p -> p.type().getName()).toList();

        assertThat(providers).containsExactly("org.slf4j.jul.JULServiceProvider");
    }
}

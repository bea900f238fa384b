package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice scale-sim} (issue 14): a summary in words, and a chart only when one is asked for. */
class ScaleSimCommandTest {

    @TempDir
    Path dir;

    @Test
    void summary_printsTheModelInWords_andWritesNoChart() {
        Path defaultChart = Path.of("scale-sim.svg").toAbsolutePath();
        boolean chartBefore = Files.exists(defaultChart);

        Object[] run = sluice("scale-sim", "--profile", "uneven", "--summary");

        assertThat(run[0]).isEqualTo(0);
        String out = (String) run[1];
        assertThat(out).contains("Profile uneven", "Model: target utilization 75 %, consumer 2,000 records/s per shard",
                "autoscaled", "reactive-only", "static", "/10");
        assertThat(out).doesNotContain("SimulationOptions[", "Policy[", "=PT");
        assertThat(out.lines().filter(l -> l.matches("\\d\\d-\\d\\d \\d\\d:\\d\\d .*"))).isEmpty();
        assertThat(Files.exists(defaultChart)).isEqualTo(chartBefore);
        assertThat((String) run[2]).doesNotContain("chart");
    }

    @Test
    void svg_writesTheChartWhereAsked() {
        Path chart = dir.resolve("slow.svg");

        Object[] run = sluice("scale-sim", "--profile", "slow-consumer", "--summary", "--svg", chart.toString());

        assertThat(run[0]).isEqualTo(0);
        assertThat(chart).exists();
        assertThat((String) run[2]).contains("chart: " + chart);
    }

    @Test
    void cost_billsEveryFleetAndManagedFlink_withTheirTotals() {
        Object[] run = sluice("scale-sim", "--profile", "double11", "--summary", "--cost");

        assertThat(run[0]).isEqualTo(0);
        String out = (String) run[1];
        assertThat(out).contains("cost of the night (USD)", "autoscaled", "reactive-only", "static", "managed-flink",
                "Kinesis shard-hours", "Lambda duration", "DynamoDB writes", "Flink KPU-hours", "us-east-1");
        String total = out.lines().filter(l -> l.startsWith("total")).findFirst().orElseThrow();
        assertThat(total.split("\\|")).hasSize(5);
        assertThat(sluice("scale-sim", "--profile", "double11", "--summary")[1].toString())
                .doesNotContain("cost of the night");
    }

    @Test
    void batchingWindow_billsTheServerlessFleetsAtIt_andSaysWhatItDelays() {
        String one = sluice("scale-sim", "--profile", "double11", "--summary", "--cost")[1].toString();
        Object[] run = sluice("scale-sim", "--profile", "double11", "--summary", "--cost", "--batching-window", "5");

        assertThat(run[0]).isEqualTo(0);
        String five = (String) run[1];
        assertThat(one).contains("billed at a 1 s batching window (the template's default: 1 s)")
                .doesNotContain("waits");
        assertThat(five).contains("billed at a 5 s batching window (the template's default: 1 s): "
                + "each record waits up to 5 s");
        assertThat(autoscaledDollars(five, "DynamoDB writes")).isLessThan(autoscaledDollars(one, "DynamoDB writes"));
        assertThat(autoscaledDollars(five, "Lambda requests")).isLessThan(autoscaledDollars(one, "Lambda requests"));
        assertThat(autoscaledDollars(five, "Kinesis shard-hours"))
                .isEqualTo(autoscaledDollars(one, "Kinesis shard-hours"));

        for (String outside : new String[] {"0", "31"}) {
            Object[] refused = sluice("scale-sim", "--cost", "--batching-window", outside);
            assertThat(refused[0]).isEqualTo(2);
            assertThat((String) refused[2]).contains("--batching-window must be 1 to 30 seconds (the template's "
                    + "BatchingWindowSeconds): " + outside);
        }
    }

    /** The autoscaled fleet's dollars on the bill's line {@code item}. */
    private static double autoscaledDollars(String out, String item) {
        String line = out.lines().filter(l -> l.startsWith(item)).findFirst().orElseThrow();
        return Double.parseDouble(line.split("\\|")[1].strip());
    }

    @Test
    void unknownProfile_namesTheKnownOnes() {
        Object[] run = sluice("scale-sim", "--profile", "black-friday");

        assertThat(run[0]).isEqualTo(2);
        assertThat((String) run[2]).contains("double11, uneven, slow-consumer");
    }

    /** Runs the CLI, returning {exit code, stdout, stderr}. */
    private static Object[] sluice(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int code = SluiceCommand.execute(args);
            return new Object[] {code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}

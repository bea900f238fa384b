package io.sluice.it;

import io.sluice.cli.SluiceCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The main job end to end on the local engines: two days live through Kinesis and the archive, the nightly job, the check. */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void demo_streamsTwoDays_recomputesYesterdayFromTheArchive_whileTheScalerReshards_andFindsThemConsistent() throws Exception {
        assertConsistent();
    }

    @Test
    void demo_withChaos_stillFindsThemConsistent_whileTheScalerReshards() throws Exception {
        assertConsistent("--chaos", "--seed", "3");
    }

    private void assertConsistent(String... extra) throws Exception {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream steps = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(steps, true, StandardCharsets.UTF_8));
        int code;
        try {
            String[] args = {"demo", "--records", "1500", "--minutes", "4", "--env", "emulators",
                    "--out", dir.toString()};
            String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
            System.arraycopy(extra, 0, all, args.length, extra.length);
            code = SluiceCommand.execute(all);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String report = captured.toString(StandardCharsets.UTF_8);
        String log = steps.toString(StandardCharsets.UTF_8);

        assertThat(code).as(log + report).isZero();
        assertThat(report).contains("windows differing                    0", "dead letters in the queue            2 (2 expected)",
                "CONSISTENT", "live vs the same time yesterday", "this minute",
                "day so far");
        assertThat(report).containsPattern("windows compared \\(live vs nightly\\)   [4-6] \\(\\d+ rows\\)");
        assertThat(log).contains("demo: live: put 2,700 / 2,700 orders", "demo: nightly: job nightly-2020-11-09");
        // The real scaler resharded the live stream: the hot shard split, then the cold children merged
        assertThat(log).containsPattern("demo: reshard: split shardId-000000000000 at \\d+ -> shardId-000000000002, "
                + "shardId-000000000003 ").containsPattern("demo: reshard: merge shardId-\\d+ \\+ shardId-\\d+ -> "
                + "shardId-000000000004 ");
        // Yesterday's windows: every live row equals the nightly job's, all of them final.
        assertThat(Files.readAllLines(dir.resolve("live.csv"))).isNotEmpty()
                .isEqualTo(Files.readAllLines(dir.resolve("batch.csv")));
    }
}

package io.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice replay}'s usage errors: one line, exit code 2, before anything is read from AWS. The replay itself is
 * tested end to end in {@code functions} ({@code EventSourceMappingReplayTest}, {@code OnFailureReplayTest}).
 */
class ReplayCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run sluice(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try {
            int code = SluiceCommand.execute(args);
            return new Run(code, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void queueAndFile_areExclusive() {
        Run run = sluice("replay", "--queue", "http://localhost/q", "--file", dir.resolve("f").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: --queue and --file are exclusive\n");
    }

    @Test
    void aLineThatIsNotAnOnFailureRecord_isNamedByItsLineNumber() throws IOException {
        Path file = dir.resolve("on-failure.jsonl");
        Files.writeString(file, "\n{\"reason\":\"invalid JSON\",\"record\":\"{oops\"}\n");

        Run run = sluice("replay", "--file", file.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: --file " + file + " line 2: not an on-failure record of a Kinesis "
                + "source: no KinesisBatchInfo\n");
    }

    @Test
    void withoutTheOperatorsEnvironment_itSaysWhichVariablesAreMissing() {
        Run run = sluice("replay", "--dry-run");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines().toList()).singleElement().asString()
                .startsWith("error: missing environment variables [SLUICE_PIPELINE")
                .endsWith("run with the operator function's environment (README, \"Replaying what the mapping gave up on\")");
    }
}

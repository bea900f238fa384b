package io.sluice.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice dashboard} and {@code demo --serve}: usage errors exit 2 with one line, before anything starts. */
class DashboardCommandTest {

    @Test
    void aPortOutOfRange_isAUsageError() {
        assertThat(run("dashboard", "--port", "70000")).isEqualTo(2);
        assertThat(run("demo", "--serve", "--port", "-1")).isEqualTo(2);
    }

    private static int run(String... args) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = SluiceCommand.execute(args);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port").contains("in [0, 65535]");
            return code;
        } finally {
            System.setErr(stderr);
        }
    }
}

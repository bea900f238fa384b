package io.sluice.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.codec.RejectReasons;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 on {@code ./sluice run}: the dead letters' reasons are the fixed vocabulary, and neither they nor anything
 * the command prints quote a value of the input (a token planted in every value, key and garbage line).
 */
class DeadLetterReasonsTest {

    private static final String TOKEN = "QZTOKENVALUE";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"batch", "stream"})
    void run_writesDeadLettersWithReasonsOfTheVocabulary_andPrintsNoInputValue(String mode) throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (String line : List.of(
                "{\"orderId\":\"o\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":1000}",
                TOKEN, "{\"" + TOKEN + "\"", "[\"" + TOKEN + "\"]",
                "{\"orderId\":\"o\",\"userId\":\"u\",\"category\":\"c\",\"amount\":\"" + TOKEN + "\",\"ts\":1000}",
                "{\"orderId\":\"o\",\"userId\":\"u\",\"category\":\"=" + TOKEN + "\",\"ts\":1000}",
                "{\"orderId\":\"o\",\"userId\":\"u\",\"category\":{\"" + TOKEN + "\":1},\"amount\":1,\"ts\":1000}",
                "{\"orderId\":\"o\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":1000} " + TOKEN,
                "\u0000" + TOKEN + "\u0000")) {
            input.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            input.write('\n');
        }
        input.writeBytes(new byte[] {(byte) 0xED, (byte) 0xB1, (byte) 0x99});
        input.writeBytes(TOKEN.getBytes(StandardCharsets.US_ASCII));
        input.write('\n');
        Path file = Files.write(dir.resolve("bad.jsonl"), input.toByteArray());
        Path deadLetters = dir.resolve("dead.jsonl");

        Object[] result = sluice("run", "--pipeline", "gmv-total", "--input", file.toString(), "--mode", mode,
                "--out", dir.resolve("out.csv").toString(), "--dead-letters", deadLetters.toString());

        assertThat(result[0]).isEqualTo(0);   // a lone surrogate once stopped the run (exit 1, no CSV in stream mode)
        assertThat(Files.readAllLines(dir.resolve("out.csv"))).containsExactly("window_start_ms,count,sum_cents",
                "0,1,1");
        assertThat((String) result[1]).doesNotContain(TOKEN);
        List<String> lines = Files.readAllLines(deadLetters);
        assertThat(lines).hasSize(9);
        JsonMapper json = JsonMapper.builder().build();
        for (String line : lines) {
            String reason = json.readTree(line).path("reason").asText();
            assertThat(RejectReasons.isInVocabulary(reason)).as(reason).isTrue();
            assertThat(reason).doesNotContain(TOKEN);
        }
    }

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
}

package io.sluice.functions.codec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedLineReaderTest {

    /** Reads everything; oversized lines become "<oversized N>". */
    private static List<String> readAll(InputStream in, int max) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BoundedLineReader reader = new BoundedLineReader(in, max)) {
            while (reader.next()) {
                lines.add(reader.oversized() ? "<oversized " + reader.length() + ">"
                        : new String(reader.buffer(), reader.offset(), reader.length(), StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** Serves at most {@code chunk} bytes per read, to cross buffer boundaries. */
    private static InputStream trickle(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void next_dropsCarriageReturn_andReadsLastLineWithoutNewline() throws IOException {
        byte[] input = "a\r\nbb\n\nccc".getBytes(StandardCharsets.UTF_8);

        assertThat(readAll(new ByteArrayInputStream(input), 100)).containsExactly("a", "bb", "", "ccc");
    }

    @Test
    void next_skipsOversizedLine_andKeepsReadingAfterIt() throws IOException {
        String longLine = "x".repeat(300_000);
        byte[] input = ("ok1\n" + longLine + "\nok2\n").getBytes(StandardCharsets.UTF_8);

        assertThat(readAll(trickle(input, 1000), 1000)).containsExactly("ok1", "<oversized 300000>", "ok2");
    }

    @Test
    void lineStart_andLineNumber_tellWhereEachLineBegins() throws IOException {
        byte[] input = "ab\ncde\nf".getBytes(StandardCharsets.UTF_8);
        List<long[]> starts = new ArrayList<>();
        try (BoundedLineReader reader = new BoundedLineReader(trickle(input, 2), 10)) {
            while (reader.next()) {
                starts.add(new long[] {reader.lineNumber(), reader.lineStart()});
            }
        }
        assertThat(starts).containsExactly(new long[] {1, 0}, new long[] {2, 3}, new long[] {3, 7});
    }

    @Property(tries = 200)
    void next_yieldsTheSameLinesAsSplitting_whateverTheReadSizes(
            @ForAll @Size(max = 40) List<@StringLength(max = 300) String> raw,
            @ForAll @IntRange(min = 1, max = 5000) int chunk) throws IOException {
        List<String> lines = raw.stream().map(l -> l.replace('\n', ' ').replace('\r', ' ')).toList();
        byte[] input = (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8);

        List<String> expected = lines.stream()
                .map(l -> l.getBytes(StandardCharsets.UTF_8).length > 200 ? "<oversized " + l.getBytes(StandardCharsets.UTF_8).length + ">" : l)
                .toList();
        assertThat(readAll(trickle(input, chunk), 200)).isEqualTo(expected);
    }
}

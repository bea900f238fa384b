package io.sluice.functions.codec;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

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

    @ParameterizedTest(name = "[{index}] {0}, reads of up to {1} bytes")
    @MethodSource("linesAndReadSizes")
    void next_yieldsTheSameLinesAsSplitting_whateverTheReadSizes(List<String> raw, int chunk) throws IOException {
        List<String> lines = raw.stream().map(l -> l.replace('\n', ' ').replace('\r', ' ')).toList();
        byte[] input = (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8);

        List<String> expected = lines.stream()
                .map(l -> l.getBytes(StandardCharsets.UTF_8).length > 200 ? "<oversized " + l.getBytes(StandardCharsets.UTF_8).length + ">" : l)
                .toList();
        assertThat(readAll(trickle(input, chunk), 200)).isEqualTo(expected);
    }

    /**
     * 200 cases: no line, one empty line, one line of a NUL and one of a space, lines of 200 and 201 bytes (the
     * limit) in ASCII and two-byte chars, and 40 lines of 300 chars (the largest case), each with reads of 1, 2, 4999
     * and 5000 bytes; then up to 40 lines of up to 300 chars with reads of 1 to 5000 bytes, drawn from their own
     * seed, which names the case.
     */
    static Stream<Arguments> linesAndReadSizes() {
        List<Arguments> cases = new ArrayList<>();
        List<String> atTheLimit = List.of("a".repeat(200), "a".repeat(201), "\u00e9".repeat(100),
                "\u00e9".repeat(100) + "a");
        for (int chunk : new int[] {1, 2, 4999, 5000}) {
            cases.add(Arguments.of(Named.of("no line", List.of()), chunk));
            cases.add(Arguments.of(Named.of("one empty line", List.of("")), chunk));
            cases.add(Arguments.of(Named.of("a NUL", List.of("\0")), chunk));
            cases.add(Arguments.of(Named.of("a space", List.of(" ")), chunk));
            cases.add(Arguments.of(Named.of("lines of 200 and 201 bytes", atTheLimit), chunk));
            cases.add(Arguments.of(Named.of("40 lines of 300 chars", Collections.nCopies(40, "b".repeat(300))), chunk));
        }
        Random seeds = new Random(200);
        while (cases.size() < 200) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            List<String> lines = new ArrayList<>();
            for (int n = random.nextInt(41); n > 0; n--) {
                lines.add(line(random));
            }
            int chunk = 1 + random.nextInt(random.nextBoolean() ? 64 : 5000); // small reads cross more boundaries
            cases.add(Arguments.of(Named.of("seed " + seed + ", " + lines.size() + " lines", lines), chunk));
        }
        return cases.stream();
    }

    /**
     * Up to 300 chars, half of the lines under 70 (so lines of three-byte chars stay under the limit too); half of
     * them ASCII (control characters included), half any char of the Basic Multilingual Plane but surrogates,
     * noncharacters and private use ones.
     */
    private static String line(Random random) {
        int length = random.nextInt(random.nextBoolean() ? 70 : 301);
        boolean ascii = random.nextBoolean();
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            char c = (char) random.nextInt(ascii ? 0x80 : 0x10000);
            if (!Character.isSurrogate(c) && !(c >= 0xfdd0 && c <= 0xfdef) && c != 0xfffe && c != 0xffff
                    && Character.getType(c) != Character.PRIVATE_USE) {
                s.append(c);
            }
        }
        return s.toString();
    }
}

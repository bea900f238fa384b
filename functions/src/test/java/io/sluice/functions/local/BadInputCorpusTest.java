package io.sluice.functions.local;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input a user should never have to clean first (issue 14): bytes that are not UTF-8, lone surrogates, NUL, blank
 * lines and formula-looking keys. Both modes run to the end, every record is accounted for, nothing is echoed in a
 * form a writer cannot encode, and the CSV is safe to open in a spreadsheet.
 */
class BadInputCorpusTest {

    @TempDir
    Path dir;

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"batch", "stream"})
    void garbageBytesSurrogatesAndNul_areRejectedWithReasons_andTheRunGoesOn(String mode) throws IOException {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(line(new Order("o-1", "u", "c-1", 100, 10_000).toJson()));
        input.writeBytes(new byte[] {(byte) 0xED, (byte) 0xB1, (byte) 0x99, '\n'});             // a lone surrogate
        input.writeBytes(new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}', '\n'});
        input.writeBytes(new byte[] {0, 0, 0, '\n'});                                           // NUL
        input.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, 1, 2, 3, '\n'});                 // binary
        input.writeBytes(line(new Order("o-2", "u", "c-1", 50, 20_000).toJson()));
        Path file = Files.write(dir.resolve("garbage.jsonl"), input.toByteArray());
        CollectingOutputs outputs = Outputs.collecting();

        RunSummary summary = runner(mode).run(GMV, LocalInput.of(file), new InMemoryStateStore(), outputs);

        assertThat(outputs.rejectedRecords()).hasSize(4).allSatisfy(r -> {
            assertThat(r.reason()).isNotBlank();
            assertThat(r.reason().chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
        });
        assertThat(outputs.finalResults()).extracting(ResultRow::value).containsExactly(new CountAndSum(2, 150));
        assertThat(summary.metrics().rejected()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"batch", "stream"})
    void blankLines_areSkippedAndCounted_notDeadLetters(String mode) throws IOException {
        Path file = Files.writeString(dir.resolve("blank.jsonl"), "\n\n   \n\t\r\n"
                + new Order("o-1", "u", "c-1", 100, 10_000).toJson() + "\n\n\n");
        CollectingOutputs outputs = Outputs.collecting();

        RunSummary summary = runner(mode).run(GMV, LocalInput.of(file), new InMemoryStateStore(), outputs);

        assertThat(outputs.rejectedRecords()).isEmpty();
        assertThat(summary.metrics().blankLines()).isEqualTo(6);
        assertThat(outputs.finalResults()).hasSize(1);
    }

    @Test
    void formulaLookingKeys_areWrittenSoNoSpreadsheetRunsThem() throws IOException {
        Path file = Files.writeString(dir.resolve("formulas.jsonl"), String.join("\n",
                new Order("o-1", "u", "=HYPERLINK(1)", 1, 10_000).toJson(),
                new Order("o-2", "u", "+cmd|' /C calc'!A0", 1, 10_000).toJson(),
                new Order("o-3", "u", "@SUM(1)", 1, 10_000).toJson(),
                new Order("o-4", "u", "-2+3", 1, 10_000).toJson(),
                new Order("o-5", "u", "c-1", 1, 10_000).toJson()));
        CollectingOutputs outputs = Outputs.collecting();
        LocalRunner.batch(1, 1_000).run(GMV, LocalInput.of(file), new InMemoryStateStore(), outputs);

        StringWriter csv = new StringWriter();
        ResultCsv.of(GmvPipelines.byCategory()).write(outputs.finalResults(), csv);

        List<String> keys = csv.toString().lines().skip(1).map(l -> l.split(",", 2)[1]).toList();
        assertThat(keys).allSatisfy(k -> assertThat(k.replace("\"", "")).doesNotStartWith("=").doesNotStartWith("+")
                .doesNotStartWith("-").doesNotStartWith("@"));
        assertThat(csv.toString()).contains("0,'-2+3,1,1", "0,c-1,1,1", "'=HYPERLINK(");
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"batch", "stream"})
    void aTenMegabyteLine_isOneRejectWithoutItsBytes_andTheRunGoesOn(String mode) throws IOException {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(line(new Order("o-1", "u", "c-1", 100, 10_000).toJson()));
        byte[] huge = new byte[10 << 20];
        java.util.Arrays.fill(huge, (byte) 'x');
        input.writeBytes(huge);
        input.write('\n');
        input.writeBytes(line(new Order("o-2", "u", "c-1", 50, 20_000).toJson()));
        Path file = Files.write(dir.resolve("long-line.jsonl"), input.toByteArray());
        CollectingOutputs outputs = Outputs.collecting();

        RunSummary summary = runner(mode).run(GMV, LocalInput.of(file), new InMemoryStateStore(), outputs);

        assertThat(outputs.rejectedRecords()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("record over 1048576 bytes");
            assertThat(r.record() == null ? 0 : r.record().length()).isLessThan(64 * 1024);   // never the line itself
        });
        assertThat(outputs.finalResults()).extracting(ResultRow::value).containsExactly(new CountAndSum(2, 150));
        assertThat(summary.metrics().recordsIn()).isEqualTo(3);
    }

    /**
     * 1.5 MB of gzip that inflates to 1.5 GiB in one line: read as a stream and skipped, never held (the tests run in
     * -Xmx2g; a line buffered as bytes and then as a String would need three times that).
     */
    @Test
    void aGzipBomb_isStreamedAndRejectedAsOneLine_inBoundedMemory() throws IOException {
        // Concatenated gzip members read as one stream (RFC 1952): one member of 1 MiB of zeros, repeated.
        byte[] mebibyteOfZeros = gzip(new byte[1 << 20]);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.writeBytes(gzip(line(new Order("o-1", "u", "c-1", 100, 10_000).toJson())));
        for (int i = 0; i < 1536; i++) {
            bomb.writeBytes(mebibyteOfZeros);
        }
        bomb.writeBytes(gzip(("\n" + new Order("o-2", "u", "c-1", 50, 20_000).toJson() + "\n").getBytes(StandardCharsets.UTF_8)));
        Path file = Files.write(dir.resolve("bomb.jsonl.gz"), bomb.toByteArray());
        CollectingOutputs outputs = Outputs.collecting();

        RunSummary summary = LocalRunner.batch(2, 1_000).run(GMV, LocalInput.of(file), new InMemoryStateStore(), outputs);

        assertThat(Files.size(file)).isLessThan(4L << 20);
        assertThat(outputs.rejectedRecords()).singleElement()
                .satisfies(r -> assertThat(r.record() == null ? 0 : r.record().length()).isLessThan(64 * 1024));
        assertThat(outputs.finalResults()).extracting(ResultRow::value).containsExactly(new CountAndSum(2, 150));
        assertThat(summary.metrics().recordsIn()).isEqualTo(3);
    }

    private static LocalRunner runner(String mode) {
        return "batch".equals(mode) ? LocalRunner.batch(2, 2) : LocalRunner.stream(2, 2);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }
}

package io.sluice.functions.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.codec.JsonLinesDecoder;
import io.sluice.functions.codec.MalformedRecordException;
import io.sluice.functions.codec.ProjectedJsonDecoder;
import io.sluice.functions.codec.RejectReasons;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: a reject reason never quotes its record, a parser's message or a class name, and no record value is
 * logged above DEBUG. The bad-input corpus (binary garbage, lone surrogates, NUL, blank lines, a 10 MB line, a gzip
 * bomb, formula-looking keys and values, wrong types) carries a random token in every value and key it can; each
 * reason must be one of {@link RejectReasons#VOCABULARY} and must not contain the token, on the CLI's runner and on
 * the Kinesis operator, and no log line above DEBUG nor metrics line may contain it.
 */
class RejectReasonsCorpusTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());
    private static final long SEED = Long.getLong("sluice.corpus.seed", System.nanoTime());

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);
    private final String token = token(random);
    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() > Level.FINE.intValue()) {   // System.Logger's DEBUG is FINE
                logged.add(formatter.format(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void decoders_giveReasonsOfTheVocabulary_withoutInputBytes_fullAndProjectedAlike() {
        var full = JsonLinesDecoder.of(Order.class);
        var projected = ProjectedJsonDecoder.of(Order.class, List.of("category", "amount", "ts"));
        for (int round = 0; round < 50; round++) {
            String roundToken = token(random);
            for (byte[] line : corpus(random, roundToken)) {
                String fullReason = reasonOf(() -> full.decode(line, 0, line.length));
                String projectedReason = reasonOf(() -> projected.decode(line, 0, line.length));
                assertThat(projectedReason).as("seed %d line %s", SEED, printable(line)).isEqualTo(fullReason);
                if (fullReason != null) {
                    assertSafe(fullReason, roundToken, line);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"batch", "stream"})
    void localRunner_rejectsTheCorpusWithSafeReasons_andLogsNoValue(String mode) throws IOException {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        for (byte[] line : corpus(random, token)) {
            input.writeBytes(line);
            input.write('\n');
        }
        input.write('\n');
        input.writeBytes(new byte[10 << 20]);   // a 10 MB line of NUL
        input.write('\n');
        Path plain = Files.write(dir.resolve("corpus.jsonl"), input.toByteArray());
        Path bomb = Files.write(dir.resolve("bomb.jsonl.gz"), gzip(new byte[64 << 20]));   // 64 MiB of NUL, one line
        CollectingOutputs outputs = Outputs.collecting();
        CollectingOutputs bombOutputs = Outputs.collecting();

        LocalRunner runner = mode.equals("batch") ? LocalRunner.batch(2, 100) : LocalRunner.stream(2, 100);
        runner.run(GMV, LocalInput.of(plain), new InMemoryStateStore(), outputs);
        runner.run(GMV, LocalInput.of(bomb), new InMemoryStateStore(), bombOutputs);

        assertThat(outputs.rejectedRecords()).hasSizeGreaterThan(20);
        assertThat(bombOutputs.rejectedRecords()).extracting(RejectedRecord::reason)
                .containsExactly(RejectReasons.overSize(GMV.maxRecordBytes()));
        outputs.rejectedRecords().forEach(r -> assertSafe(r.reason(), token, r.record()));
        assertThat(logged).as("log lines above DEBUG (seed %d)", SEED).isNotEmpty()
                .noneMatch(line -> line.contains(token));
    }

    @Test
    void kinesisOperator_rejectsTheCorpusWithSafeReasons_andLogsAndMetersNoValue() {
        List<RejectedRecord> deadLetters = Collections.synchronizedList(new ArrayList<>());
        ByteArrayOutputStream metrics = new ByteArrayOutputStream();
        SinkOutputs outputs = new SinkOutputs(List.of(rows -> { }), late -> { }, deadLetters::add);
        KinesisOperator operator = new KinesisOperator(GMV, new InMemoryStateStore(), outputs, deadLetters::add,
                Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC),
                new EmfMetrics("Sluice", GMV.name(), "operator", new PrintStream(metrics, true, StandardCharsets.UTF_8)),
                null, null);
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        long seq = 1_000;
        for (byte[] line : corpus(random, token)) {
            records.add(record(seq++, line));
        }
        records.add(record(seq++, new byte[2 << 20]));   // 2 MB: over the record bound
        byte[] badKpl = new byte[64];
        System.arraycopy(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2}, 0, badKpl, 0, 4);
        System.arraycopy(token.getBytes(StandardCharsets.US_ASCII), 0, badKpl, 8, token.length());
        records.add(record(seq++, badKpl));
        KinesisEvent.KinesisEventRecord noData = record(seq++, new byte[0]);
        noData.getKinesis().setData(null);
        records.add(noData);
        KinesisEvent.KinesisEventRecord noKinesis = record(seq++, new byte[0]);
        noKinesis.setKinesis(null);
        records.add(noKinesis);
        KinesisEvent.KinesisEventRecord badSequence = record(seq, "{}".getBytes(StandardCharsets.UTF_8));
        badSequence.getKinesis().setSequenceNumber(token);
        records.add(badSequence);
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);

        operator.handle(event);

        assertThat(deadLetters).hasSizeGreaterThan(20)
                .anySatisfy(r -> assertThat(r.reason()).startsWith("KPL aggregated record"))
                .anySatisfy(r -> assertThat(r.reason()).isEqualTo("record without kinesis.data"))
                .anySatisfy(r -> assertThat(r.reason()).isEqualTo("record without kinesis"))
                .anySatisfy(r -> assertThat(r.reason()).isEqualTo("invalid sequence number"));
        deadLetters.forEach(r -> assertSafe(r.reason(), token, null));
        assertThat(logged).as("log lines above DEBUG (seed %d)", SEED).isNotEmpty()
                .noneMatch(line -> line.contains(token));
        assertThat(metrics.toString(StandardCharsets.UTF_8)).doesNotContain(token);
    }

    /**
     * Bad lines (and a few good ones whose values are odd), each holding {@code token} where the format allows: in
     * values, keys, garbage and strings with bytes that are not UTF-8.
     */
    static List<byte[]> corpus(Random random, String token) {
        String good = new Order("o-1", "u-1", "c-1", 100, 10_000).toJson();
        List<String> texts = new ArrayList<>(List.of(
                token, "{" + token, "{\"" + token + "\"", "[\"" + token + "\"]", "\"" + token + "\"", "null", "12",
                good + " " + token, good + "{\"" + token + "\":1}",
                order("\"o\"", "\"c\"", "\"" + token + "\"", "1"),
                order("\"o\"", "\"c\"", "\"=" + token + "(1)\"", "1"),
                order("\"o\"", "\"c\"", "1.5", "1"), order("\"o\"", "\"c\"", "true", "1"),
                order("\"o\"", "\"c\"", "[\"" + token + "\"]", "1"),
                order("\"o\"", "\"c\"", "{\"" + token + "\":\"" + token + "\"}", "1"),
                order("\"o\"", "\"c\"", "99999999999999999999999" + Math.abs(random.nextInt()), "1"),
                order("\"o\"", "\"c\"", "1", "\"" + token + "\""),
                order("\"o\"", "12", "1", "1"), order("\"o\"", "{\"a\":\"" + token + "\"}", "1", "1"),
                order("\"o\"", "null", "1", "1"),
                "{\"orderId\":\"" + token + "\",\"userId\":\"u\",\"category\":\"c\",\"ts\":1}",
                "{\"=" + token + "(A1)\":1,\"+cmd|' /C calc'!A0\":\"" + token + "\"}",
                "{\"@" + token + "\":\"-2+3\",\"amount\":\"" + token + "\"}",
                "\u0000\u0000" + token + "\u0000",
                "   ", "\t"));
        List<byte[]> lines = new ArrayList<>();
        texts.forEach(t -> lines.add(t.getBytes(StandardCharsets.UTF_8)));
        byte[] tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        lines.add(concat(new byte[] {(byte) 0xED, (byte) 0xB1, (byte) 0x99}, tokenBytes));   // a lone surrogate
        lines.add(concat("{\"category\":\"".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, tokenBytes, "\"}".getBytes(StandardCharsets.US_ASCII)));
        lines.add(concat(new byte[] {(byte) 0xFF, (byte) 0xFE, 0}, tokenBytes, new byte[] {(byte) 0xC3}));
        for (int i = 0; i < 8; i++) {   // binary garbage around the token
            byte[] garbage = new byte[1 + random.nextInt(200)];
            random.nextBytes(garbage);
            for (int j = 0; j < garbage.length; j++) {
                if (garbage[j] == '\n' || garbage[j] == '\r') {
                    garbage[j] = 0;
                }
            }
            lines.add(concat(garbage, tokenBytes, garbage));
        }
        Collections.shuffle(lines, random);
        return lines;
    }

    /** In the vocabulary, ASCII, and without the token or any longer run of the record's own text. */
    private static void assertSafe(String reason, String token, Object record) {
        assertThat(RejectReasons.isInVocabulary(reason)).as("[%s] is in the vocabulary (seed %d)", reason, SEED).isTrue();
        assertThat(reason).doesNotContain(token);
        assertThat(reason.chars().allMatch(c -> c >= 0x20 && c < 0x7F)).as("[%s] is printable ASCII", reason).isTrue();
    }

    private static String order(String orderId, String category, String amount, String ts) {
        return "{\"orderId\":" + orderId + ",\"userId\":\"u\",\"category\":" + category + ",\"amount\":" + amount
                + ",\"ts\":" + ts + "}";
    }

    private static String token(Random random) {
        StringBuilder b = new StringBuilder("QZ");
        for (int i = 0; i < 10; i++) {
            b.append((char) ('A' + random.nextInt(26)));
        }
        return b.toString();
    }

    private interface Decode {
        Object run() throws MalformedRecordException;
    }

    private static String reasonOf(Decode decode) {
        try {
            decode.run();
            return null;
        } catch (MalformedRecordException e) {
            return e.getMessage();
        }
    }

    private static KinesisEvent.KinesisEventRecord record(long seq, byte[] data) {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setData(ByteBuffer.wrap(data));
        kinesis.setSequenceNumber(Long.toString(seq));
        kinesis.setPartitionKey("k");
        KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
        r.setKinesis(kinesis);
        r.setEventID("shardId-000000000000:" + seq);
        r.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/orders");
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String printable(byte[] line) {
        return new String(line, 0, Math.min(line.length, 120), StandardCharsets.ISO_8859_1);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}

package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.codec.BoundedLineReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KinesisRecordBatchTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a\n", "a\nb", "a\n\nb\r\n", "\n", "\n\n", "a\r\nb\r", " \n"})
    void lines_areCutAsTheBatchSidesLineReaderCutsThem(String data) throws Exception {
        assertThat(lines(data)).isEqualTo(lineReader(data));
    }

    /**
     * The newline search reads eight bytes at a time: lines of every length across word boundaries, with bytes a word
     * test could confuse with {@code '\n'} ({@code U+010A} is {@code C4 8A} in UTF-8; tab and {@code 0x0B} are its
     * neighbours), cut as the line reader cuts them.
     */
    @org.junit.jupiter.api.Test
    void randomLines_areCutAsTheBatchSidesLineReaderCutsThem() throws Exception {
        String alphabet = "ab\n\n\r\t\u000b\u0000 {\u010a\u00e9";
        java.util.SplittableRandom random = new java.util.SplittableRandom(15);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder data = new StringBuilder();
            for (int k = random.nextInt(40); k > 0; k--) {
                data.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : 'x');
            }
            String d = data.toString();
            List<String> expected = lineReader(d);
            assertThat(lines(d)).as("[%s]", d).isEqualTo(expected.isEmpty() ? List.of("") : expected);
        }
    }

    private static List<String> lineReader(String data) throws Exception {
        List<String> expected = new ArrayList<>();
        try (BoundedLineReader reader = new BoundedLineReader(
                new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)), 1 << 20)) {
            while (reader.next()) {
                expected.add(new String(reader.buffer(), reader.offset(), reader.length(), StandardCharsets.UTF_8));
            }
        }
        return expected;
    }

    @ParameterizedTest
    @ValueSource(strings = {""})
    void anEmptyRecord_staysOneEmptyRecord_soItIsRejectedRatherThanLost(String data) {
        assertThat(lines(data)).containsExactly("");
    }

    @org.junit.jupiter.api.Test
    void recordsWithoutKinesisDataOrSequence_areUndecodable_notANullPointerException() {
        KinesisEvent.KinesisEventRecord noKinesis = new KinesisEvent.KinesisEventRecord();
        KinesisEvent.KinesisEventRecord noData = new KinesisEvent.KinesisEventRecord();
        noData.setKinesis(new KinesisEvent.Record());
        noData.getKinesis().setSequenceNumber("2");
        KinesisEvent.KinesisEventRecord noSequence = new KinesisEvent.KinesisEventRecord();
        noSequence.setKinesis(new KinesisEvent.Record());
        noSequence.getKinesis().setData(ByteBuffer.wrap(new byte[] {'{', '}'}));
        List<String> reasons = new ArrayList<>();

        KinesisRecordBatch batch = KinesisRecordBatch.of(List.of(noKinesis, noData, noSequence),
                (r, reason) -> reasons.add(reason));

        assertThat(batch.size()).isZero();
        assertThat(reasons).containsExactly("record without kinesis", "record without kinesis.data",
                "record without kinesis.sequenceNumber");
    }

    private static List<String> lines(String data) {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setSequenceNumber("1");
        kinesis.setData(ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        record.setKinesis(kinesis);
        KinesisRecordBatch batch = KinesisRecordBatch.of(List.of(record), (r, reason) -> {
            throw new AssertionError(reason);
        });
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(new String(batch.buffer(i), batch.offset(i), batch.length(i), StandardCharsets.UTF_8));
            assertThat(batch.subSequence(i)).isEqualTo(i);
        }
        return out;
    }
}

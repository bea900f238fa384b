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
        List<String> expected = new ArrayList<>();
        try (BoundedLineReader reader = new BoundedLineReader(
                new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)), 1 << 20)) {
            while (reader.next()) {
                expected.add(new String(reader.buffer(), reader.offset(), reader.length(), StandardCharsets.UTF_8));
            }
        }

        assertThat(lines(data)).isEqualTo(expected);
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

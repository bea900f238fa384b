package io.sluice.functions.io.kinesis;

import io.sluice.functions.codec.MalformedRecordException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KplAggregateTest {

    @Test
    void deaggregate_returnsUserRecordsInSubSequenceOrder() throws Exception {
        byte[] aggregate = aggregate("a", "bb", "");

        assertThat(KplAggregate.isAggregated(aggregate)).isTrue();
        assertThat(KplAggregate.deaggregate(aggregate)).extracting(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactly("a", "bb", "");
    }

    @Test
    void deaggregate_throwsMalformedRecord_whenTheDigestDoesNotMatch() throws Exception {
        byte[] aggregate = aggregate("a");
        aggregate[aggregate.length - 1] ^= 1;

        assertThatThrownBy(() -> KplAggregate.deaggregate(aggregate)).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("MD5");
    }

    @Test
    void deaggregate_throwsMalformedRecord_whenALengthRunsPastTheEnd() throws Exception {
        // field 3, length 100, but only 1 byte follows
        byte[] body = {0x1A, 100, 1};
        assertThatThrownBy(() -> KplAggregate.deaggregate(withEnvelope(body)))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("past its end");
    }

    @Test
    void isAggregated_isFalse_forPlainJson() {
        assertThat(KplAggregate.isAggregated("{\"orderId\":\"o-1\",\"amount\":1}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }

    /** An AggregatedRecord with one partition key and the given user records, as the KPL writes it. */
    static byte[] aggregate(String... records) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, 1, "pk".getBytes(StandardCharsets.UTF_8));
        for (String r : records) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.write(0x08); // partition_key_index = 0 (varint)
            record.write(0x00);
            field(record, 3, r.getBytes(StandardCharsets.UTF_8));
            field(body, 3, record.toByteArray());
        }
        return withEnvelope(body.toByteArray());
    }

    private static byte[] withEnvelope(byte[] body) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(body);
        byte[] out = new byte[4 + body.length + 16];
        out[0] = (byte) 0xF3;
        out[1] = (byte) 0x89;
        out[2] = (byte) 0x9A;
        out[3] = (byte) 0xC2;
        System.arraycopy(body, 0, out, 4, body.length);
        System.arraycopy(digest, 0, out, 4 + body.length, 16);
        return Arrays.copyOf(out, out.length);
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        out.write((number << 3) | 2);
        int n = bytes.length;
        while (n >= 0x80) {
            out.write((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.writeBytes(bytes);
    }

    @Test
    void kinesisRecordBatch_splitsLinesOfEachUserRecord_withRunningSubSequences() throws Exception {
        var record = new com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord();
        var kinesis = new com.amazonaws.services.lambda.runtime.events.KinesisEvent.Record();
        kinesis.setSequenceNumber("42");
        kinesis.setData(java.nio.ByteBuffer.wrap(aggregate("l1\nl2\n", "l3")));
        record.setKinesis(kinesis);

        KinesisRecordBatch batch = KinesisRecordBatch.of(List.of(record), (r, reason) -> {
            throw new AssertionError(reason);
        });

        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.position(2)).isEqualTo("seq=42 sub=2");
        assertThat(new String(batch.buffer(1), batch.offset(1), batch.length(1), StandardCharsets.UTF_8)).isEqualTo("l2");
        assertThat(batch.fence(0).isAfter(io.sluice.state.Fence.of("41", 7))).isTrue();
    }
}

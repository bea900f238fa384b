package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.sluice.localstack.esm.KinesisEventJson;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streaming reader against the Lambda Java runtime's serializer: for random events (empty data, large records,
 * records at Kinesis' 1 MiB limit, unicode and escaped partition keys, 128-bit sequence numbers, missing fields), in
 * the event source mapping's JSON and in the runtime's own, both give the same value of every field the operator
 * reads.
 */
class KinesisEventReaderTest {

    private static final long SEED = 15;
    private static final int ONE_MIB = 1024 * 1024;
    private static final PojoSerializer<KinesisEvent> RUNTIME = LambdaEventSerializers.serializerFor(KinesisEvent.class,
            KinesisEventReaderTest.class.getClassLoader());

    @Test
    void read_givesTheRuntimesRecords_forRandomEventsInTheMappingsJson() {
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            KinesisEvent event = RandomKinesisEvents.event(random, random.nextInt(40), 2_000, KinesisEventReaderTest::unicode);
            byte[] json = KinesisEventJson.toBytes(event);

            assertSameRecords(json, "event " + i + " (seed " + SEED + ")");
        }
    }

    @Test
    void read_givesTheRuntimesRecords_forRandomEventsInTheRuntimesOwnJson() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 300; i++) {
            KinesisEvent event = RandomKinesisEvents.event(random, random.nextInt(40), 2_000, KinesisEventReaderTest::unicode);
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            RUNTIME.toJson(event, json);   // other field order, arrival as 1.545084650987E9, fields the reader skips

            assertSameRecords(json.toByteArray(), "event " + i + " (seed " + (SEED + 1) + ")");
        }
    }

    @Test
    void read_givesTheRuntimesRecords_forRecordsAtKinesisOneMibLimit() {
        Random random = new Random(SEED + 2);
        KinesisEvent event = RandomKinesisEvents.event(random, 5, 10, KinesisEventReaderTest::unicode);
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            if (r.getKinesis() == null) {
                r.setKinesis(new KinesisEvent.Record());
            }
            r.getKinesis().setPartitionKey(unicode(random, 256));   // the limit counts the key's bytes and the data's
            byte[] data = new byte[ONE_MIB - r.getKinesis().getPartitionKey().getBytes(StandardCharsets.UTF_8).length];
            random.nextBytes(data);
            r.getKinesis().setData(ByteBuffer.wrap(data));
        }

        assertSameRecords(KinesisEventJson.toBytes(event), "1 MiB records");
    }

    @Test
    void read_streamsAPayloadOverTheScanLimit_fromAStreamNotInMemory() {
        Random random = new Random(SEED + 3);
        KinesisEvent event = RandomKinesisEvents.event(random, 10, 10, KinesisEventReaderTest::unicode);
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            byte[] data = new byte[ONE_MIB];
            random.nextBytes(data);
            if (r.getKinesis() != null) {
                r.getKinesis().setData(ByteBuffer.wrap(data));
            }
        }
        byte[] json = KinesisEventJson.toBytes(event);
        assertThat(json.length).isGreaterThan(KinesisEventReader.SCAN_LIMIT_BYTES);
        List<KinesisEvent.KinesisEventRecord> expected = RUNTIME.fromJson(new ByteArrayInputStream(json)).getRecords();

        // a stream that is not a ByteArrayInputStream: read up to the limit, then the rest streamed
        List<KinesisEvent.KinesisEventRecord> actual = KinesisEventReader.read(
                new java.io.BufferedInputStream(new ByteArrayInputStream(json)));

        assertThat(actual.stream().map(RandomKinesisEvents::fields).toList())
                .isEqualTo(expected.stream().map(RandomKinesisEvents::fields).toList());
    }

    /**
     * The runtime's stream over its whole payload is read without a copy; a stream over part of an array, one read
     * from already, one that writes its bytes in pieces and an empty one give their remaining bytes.
     */
    @Test
    void whole_takesTheArrayOfAStreamOverAWholeArray_andCopiesAnyOtherStream() throws IOException {
        byte[] payload = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(KinesisEventReader.whole(new ByteArrayInputStream(payload))).isSameAs(payload);

        assertThat(KinesisEventReader.whole(new ByteArrayInputStream(payload, 1, 9)))
                .isEqualTo(Arrays.copyOfRange(payload, 1, 10));
        ByteArrayInputStream started = new ByteArrayInputStream(payload);
        assertThat(started.read()).isEqualTo('{');
        assertThat(KinesisEventReader.whole(started)).isEqualTo(Arrays.copyOfRange(payload, 1, payload.length));
        ByteArrayInputStream inPieces = new ByteArrayInputStream(payload) {
            @Override
            public synchronized long transferTo(OutputStream out) throws IOException {
                out.write(buf, 0, 3);                        // a piece, then the rest of the array whole, then a byte
                out.write(buf, 3, count - 4);
                out.write(buf[count - 1]);
                pos = count;
                return count;
            }
        };
        byte[] gathered = KinesisEventReader.whole(inPieces);
        assertThat(gathered).isEqualTo(payload).isNotSameAs(payload);
        ByteArrayInputStream wholeThenMore = new ByteArrayInputStream(payload) {
            @Override
            public synchronized long transferTo(OutputStream out) throws IOException {
                out.write(buf, 0, count);
                out.write('!');
                pos = count;
                return count + 1;
            }
        };
        assertThat(new String(KinesisEventReader.whole(wholeThenMore), StandardCharsets.UTF_8))
                .isEqualTo("{\"Records\":[]}!");
        assertThat(KinesisEventReader.whole(new ByteArrayInputStream(new byte[0]))).isEmpty();
        assertThat(read("{\"Records\":[]}")).isEmpty();
    }

    @Test
    void read_skipsFieldsItDoesNotUse_andReadsAnEventWithoutRecords() {
        String json = "{\"Records\":[{\"extra\":{\"a\":[1,{\"b\":null}]},\"eventID\":\"shardId-1:7\","
                + "\"kinesis\":{\"nested\":[[]],\"sequenceNumber\":\"7\",\"data\":\"\",\"encryptionType\":\"KMS\"}}],"
                + "\"window\":{\"start\":1}}";

        List<KinesisEvent.KinesisEventRecord> records = read(json);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getEventID()).isEqualTo("shardId-1:7");
            assertThat(r.getKinesis().getSequenceNumber()).isEqualTo("7");
            assertThat(r.getKinesis().getData().remaining()).isZero();
        });
        assertThat(read("{}")).isEmpty();
        assertThat(read("{\"Records\":null}")).isEmpty();
        assertThat(read("{\"Records\":[]}")).isEmpty();
    }

    @Test
    void read_refusesWhatIsNotAKinesisEvent() {
        assertThatThrownBy(() -> read("[]")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> read("{\"Records\":[{\"kinesis\":{\"data\":\"not base64!\"}}]}"))
                .isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> read("{\"Records\":[{\"eventID\":1}]}")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> read("{\"Records\":[{\"kinesis\":{\"sequenceNumber\":\"1\"")).isInstanceOf(
                UncheckedIOException.class);
    }

    @Test
    void read_decodesBase64AsTheRuntimeDoes_paddingRequired() {
        for (String data : List.of("", "SGVsbG8=", "SGVsbG8", "SGVsbG8==", "SGVsbG9=", "S", "SG==", "SG", "====",
                "SGV=sbG8=", "SGVsbA==", "+/+/", "-_-_", "SGVsbG8=\\u00e9")) {
            String json = "{\"Records\":[{\"kinesis\":{\"data\":\"" + data + "\"}}]}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            Object runtimes;
            try {
                runtimes = ByteBuffer.wrap(KinesisRecordBatch.bytes(RUNTIME.fromJson(new ByteArrayInputStream(bytes)).getRecords().get(0)
                        .getKinesis().getData()));
            } catch (RuntimeException e) {
                runtimes = "refused";
            }
            Object ours;
            try {
                ours = ByteBuffer.wrap(KinesisRecordBatch.bytes(read(json).get(0).getKinesis().getData()));
            } catch (UncheckedIOException e) {
                ours = "refused";
            }

            assertThat(ours).as(data).isEqualTo(runtimes);
        }
    }

    private static List<KinesisEvent.KinesisEventRecord> read(String json) {
        return KinesisEventReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertSameRecords(byte[] json, String what) {
        List<KinesisEvent.KinesisEventRecord> expected = RUNTIME.fromJson(new ByteArrayInputStream(json)).getRecords();
        List<KinesisEvent.KinesisEventRecord> actual = KinesisEventReader.read(new ByteArrayInputStream(json));

        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(RandomKinesisEvents.fields(actual.get(i))).as(what + ", record " + i).isEqualTo(RandomKinesisEvents.fields(expected.get(i)));
        }
    }

    /** Letters, digits, quotes, backslashes, control characters, accents, CJK and characters outside the BMP. */
    private static String unicode(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            switch (random.nextInt(8)) {
                case 0 -> s.append('"');
                case 1 -> s.append('\\');
                case 2 -> s.append((char) random.nextInt(0x20));
                case 3 -> s.append((char) (0xC0 + random.nextInt(0x100)));
                case 4 -> s.append((char) (0x4E00 + random.nextInt(0x5000)));
                case 5 -> s.appendCodePoint(0x1F300 + random.nextInt(0x300));
                default -> s.append((char) ('a' + random.nextInt(26)));
            }
        }
        return s.toString();
    }
}

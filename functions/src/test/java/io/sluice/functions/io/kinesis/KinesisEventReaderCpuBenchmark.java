package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.esm.KinesisEventJson;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event's JSON alone, in CPU per 1,000 records on the calling thread: the Lambda runtime's serializer (binding to
 * {@code KinesisEvent}) against {@link KinesisEventReader}, then {@link KinesisRecordBatch} over the records as the
 * operator builds it. One event of {@code sluice.benchmark.batchSize} (1,000) orders, 5 rounds of 200 events each
 * after a warm-up. Not a unit test: run it by name,
 * {@code mvn -o -q -pl functions -am test -Dtest=KinesisEventReaderCpuBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class KinesisEventReaderCpuBenchmark {

    private static final int BATCH = Integer.getInteger("sluice.benchmark.batchSize", 1_000);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void eventJson_cpuPerThousandRecords_runtimeSerializerAgainstStreamingReader() {
        KinesisEvent event = orders(BATCH);
        byte[] json = KinesisEventJson.toBytes(event);
        assertThat(KinesisEventScanner.scan(json)).as("the reader's fast path answers").isNotNull();
        PojoSerializer<KinesisEvent> runtime = LambdaEventSerializers.serializerFor(KinesisEvent.class,
                KinesisEventReaderCpuBenchmark.class.getClassLoader());
        int events = 200;
        System.out.println(io.sluice.functions.lambda.LambdaJvm.describe());
        for (int round = 0; round < 8; round++) {
            long a = THREADS.getCurrentThreadCpuTime();
            long lines = 0;
            for (int i = 0; i < events; i++) {
                List<KinesisEvent.KinesisEventRecord> r = runtime.fromJson(new ByteArrayInputStream(json)).getRecords();
                lines += KinesisRecordBatch.of(r, (x, why) -> { }).size();
            }
            long b = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < events; i++) {
                List<KinesisEvent.KinesisEventRecord> r = KinesisEventReader.read(new ByteArrayInputStream(json));
                lines += KinesisRecordBatch.of(r, (x, why) -> { }).size();
            }
            long c = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < events; i++) {
                List<KinesisEvent.KinesisEventRecord> r = KinesisEventReader.readWithJackson(json);
                lines += KinesisRecordBatch.of(r, (x, why) -> { }).size();
            }
            long d = THREADS.getCurrentThreadCpuTime();
            assertThat(lines).isEqualTo(3L * events * BATCH);
            double perK = 1e6 * events * BATCH / 1000.0;
            System.out.printf(Locale.ROOT, "round %d: %,d-record events of %,d bytes; CPU ms per 1,000 records: "
                    + "runtime serializer %.3f, reader %.3f (its Jackson path alone %.3f)%n", round, BATCH,
                    json.length, (b - a) / perK, (c - b) / perK, (d - c) / perK);
        }
    }

    private static KinesisEvent orders(int n) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        BigInteger seq = new BigInteger("49590338271490256608559692538361571095921575989136588898");
        List<String> lines = new ArrayList<>();
        OrdersGenerator.builder().records(n).seed(1).build().forEach(o -> lines.add(o.toJson()));
        for (String line : lines) {
            KinesisEvent.Record k = new KinesisEvent.Record();
            k.setKinesisSchemaVersion("1.0");
            k.setPartitionKey("pk-" + records.size());
            k.setSequenceNumber(seq.toString());
            k.setData(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            k.setApproximateArrivalTimestamp(new Date(1_605_052_800_987L));
            KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
            r.setKinesis(k);
            r.setEventSource("aws:kinesis");
            r.setEventVersion("1.0");
            r.setEventID("shardId-000000000000:" + seq);
            r.setEventName("aws:kinesis:record");
            r.setInvokeIdentityArn("arn:aws:iam::123456789012:role/lambda-role");
            r.setAwsRegion("us-east-1");
            r.setEventSourceARN("arn:aws:kinesis:us-east-1:123456789012:stream/sluice-dev-orders");
            records.add(r);
            seq = seq.add(BigInteger.ONE);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}

package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cold initialisation probe for {@code functions/bench/cold-start.sh}: run in a fresh JVM on the shaded jar, it
 * builds one handler the way Lambda does (no-argument constructor, configuration from the environment), sends one
 * single-record Kinesis event of the stream {@code BENCH_STREAM_ARN} and prints the time from JVM start to the response.
 *
 * <pre>{@code
 * java -cp functions/target/sluice-functions.jar:functions/target/test-classes io.sluice.functions.lambda.ColdStart plain
 * java -cp functions-micronaut/target/sluice-functions-micronaut.jar:functions/target/test-classes \
 *     io.sluice.functions.lambda.ColdStart micronaut
 * // cold-start mode=plain jvm_to_constructed_ms=412 jvm_to_response_ms=655 ...
 * }</pre>
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainAt = System.currentTimeMillis();
        boolean micronaut = args.length > 0 && args[0].equals("micronaut");
        // The Micronaut variant lives in functions-micronaut's jar: named here, so this probe needs it only to run it.
        RequestHandler<KinesisEvent, StreamsEventResponse> handler = micronaut
                ? newHandler("io.sluice.functions.micronaut.MicronautKinesisOperatorHandler")
                : new KinesisOperatorHandler();
        long constructedAt = System.currentTimeMillis();
        StreamsEventResponse response = handler.handleRequest(event(), null);
        long respondedAt = System.currentTimeMillis();
        // CPU time of the thread that ran the constructor and the invocation: the critical path's own work, which
        // unlike wall time does not grow when other processes compete for the cores.
        long mainCpuMillis = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
        System.err.printf("cold-start mode=%s jvm_to_main_ms=%d jvm_to_constructed_ms=%d jvm_to_response_ms=%d "
                        + "first_invoke_ms=%d main_thread_cpu_ms=%d failures=%d%n", micronaut ? "micronaut" : "plain",
                mainAt - jvmStart, constructedAt - jvmStart, respondedAt - jvmStart, respondedAt - constructedAt,
                mainCpuMillis, response.getBatchItemFailures().size());
        if (handler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static KinesisEvent event() {
        String seq = "49590338271490256608559692538361571095921575989136588898";
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setSequenceNumber(seq);
        kinesis.setPartitionKey("o-1");
        kinesis.setData(ByteBuffer.wrap(("{\"orderId\":\"o-1\",\"userId\":\"u-1\",\"category\":\"c-1\",\"amount\":1999,"
                + "\"ts\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8)));
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        record.setEventID("shardId-000000000000:" + seq);
        record.setKinesis(kinesis);
        // The handler lists this stream's shards on its first batch (shard registration), as it would on AWS.
        record.setEventSourceARN(System.getenv().getOrDefault("BENCH_STREAM_ARN", null));
        KinesisEvent event = new KinesisEvent();
        event.setRecords(List.of(record));
        return event;
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<KinesisEvent, StreamsEventResponse> newHandler(String className) {
        try {
            return (RequestHandler<KinesisEvent, StreamsEventResponse>) Class.forName(className).getConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot build " + className + " (is sluice-functions-micronaut.jar on the"
                    + " class path?)", e);
        }
    }
}

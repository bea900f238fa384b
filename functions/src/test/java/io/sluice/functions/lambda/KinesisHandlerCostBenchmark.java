package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.Service;
import io.sluice.state.SplitState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one Kinesis batch costs the operator handler, as Lambda bills it: CPU milliseconds per 1,000 records (the
 * invoking thread's CPU time: decoding, the runtime, the SDK's marshalling; moto's own work is another process) and
 * DynamoDB calls per batch. The handler's calls are synchronous, one after the other, so calls per batch are its
 * sequential round trips, each a network wait Lambda bills as duration. Not a unit test: run it by name,
 *
 * <pre>
 * mvn -o -q -pl functions -am test -Dtest=KinesisHandlerCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>One warm handler instance, 2 shards, batches of 1,000 generated orders (10 simulated minutes, up to 5 s
 * disorder) delivered round-robin, firing after every batch as the deployed handler does. The table goes to stdout
 * and {@code target/benchmarks/kinesis-handler-cost.md}.
 */
@ExtendWith(LocalAwsExtension.class)
class KinesisHandlerCostBenchmark {

    private static final int SHARDS = 2;
    private static final int BATCH = 1_000;
    private static final int RECORDS = Integer.getInteger("sluice.benchmark.records", 40_000);
    private static final BigInteger FIRST_SEQUENCE = new BigInteger("49590338271490256608559692538361571095921575989136");

    /** Counts the DynamoDB calls a client makes, by operation. */
    static final class CallCounter implements ExecutionInterceptor {
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, Integer> byOperation = new TreeMap<>();

        @Override
        public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            calls.incrementAndGet();
            byOperation.merge(context.request().getClass().getSimpleName().replace("Request", ""), 1, Integer::sum);
        }
    }

    @Test
    void kinesisHandler_cpuAndDynamoDbRoundTripsPerBatch(LocalAws aws) throws IOException {
        CallCounter counter = new CallCounter();
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(aws.endpoint(Service.DYNAMODB)).region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
        List<List<String>> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(new ArrayList<>());
        }
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(RECORDS).seed(42).duration(Duration.ofMinutes(10))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        orders.forEach(o -> shards.get(Math.floorMod(o.orderId().hashCode(), SHARDS)).add(o.toJson()));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", null, dynamo)) {
            for (int s = 0; s < SHARDS; s++) {
                sluice.store().advanceSplit(SplitState.pending(sluice.pipeline(), shardId(s), System.currentTimeMillis(),
                        List.of()));
            }
            KinesisOperatorHandler handler = sluice.kinesisHandler();
            List<long[]> batches = new ArrayList<>();   // {records, cpu nanos, calls}
            int[] next = new int[SHARDS];
            Map<String, Integer> steadyCalls = new TreeMap<>();
            boolean more = true;
            while (more) {
                more = false;
                for (int s = 0; s < SHARDS; s++) {
                    List<String> shard = shards.get(s);
                    if (next[s] >= shard.size()) {
                        continue;
                    }
                    int to = Math.min(shard.size(), next[s] + BATCH);
                    KinesisEvent event = event(s, shard, next[s], to);
                    synchronized (counter) {
                        counter.calls.set(0);
                        counter.byOperation.clear();
                    }
                    long cpu = threads.getCurrentThreadCpuTime();
                    StreamsEventResponse response = handler.handleRequest(event, null);
                    cpu = threads.getCurrentThreadCpuTime() - cpu;
                    assertThat(response.getBatchItemFailures()).isEmpty();
                    batches.add(new long[]{to - next[s], cpu, counter.calls.get()});
                    if (batches.size() > 2 * SHARDS) {
                        counter.byOperation.forEach((op, n) -> steadyCalls.merge(op, n, Integer::sum));
                    }
                    next[s] = to;
                    more = true;
                }
            }
            String table = table(batches, steadyCalls);
            System.out.println(table);
            Path out = Path.of("target/benchmarks/kinesis-handler-cost.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
        }
    }

    /** Steady state: the first two batches of each shard (cold caches, preloads, JIT warm-up) are shown apart. */
    private static String table(List<long[]> batches, Map<String, Integer> steadyCalls) {
        List<long[]> steady = batches.subList(Math.min(batches.size(), 2 * SHARDS), batches.size());
        long records = steady.stream().mapToLong(b -> b[0]).sum();
        long cpu = steady.stream().mapToLong(b -> b[1]).sum();
        long[] calls = steady.stream().mapToLong(b -> b[2]).sorted().toArray();
        long[] cpuPerK = steady.stream().mapToLong(b -> b[1] * 1000 / Math.max(1, b[0])).sorted().toArray();
        long coldCalls = batches.subList(0, Math.min(batches.size(), 2 * SHARDS)).stream().mapToLong(b -> b[2]).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Kinesis handler, %,d records, %d shards, batches of %,d, one warm instance%n%n",
                batches.stream().mapToLong(b -> b[0]).sum(), SHARDS, BATCH));
        sb.append("| measure | steady batches | value |\n|---|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| CPU ms per 1,000 records (mean) | %d | %.1f |%n", steady.size(),
                cpu / 1e6 * 1000 / Math.max(1, records)));
        sb.append(String.format(Locale.ROOT, "| CPU ms per 1,000 records (median batch) | %d | %.1f |%n", steady.size(),
                median(cpuPerK) / 1e6));
        sb.append(String.format(Locale.ROOT, "| sequential DynamoDB round trips per batch (median / min / max) | %d | %d / %d / %d |%n",
                steady.size(), median(calls), calls.length == 0 ? 0 : calls[0],
                calls.length == 0 ? 0 : calls[calls.length - 1]));
        sb.append(String.format(Locale.ROOT, "| round trips in a shard's first two batches (max) | %d | %d |%n",
                Math.min(batches.size(), 2 * SHARDS), coldCalls));
        sb.append(String.format(Locale.ROOT, "%nSteady-state calls by operation (all %d batches): %s%n", steady.size(),
                steadyCalls));
        sb.append(String.format(Locale.ROOT, "Per batch: %s%n", Arrays.toString(steady.stream().mapToLong(b -> b[2]).toArray())));
        return sb.toString();
    }

    private static long median(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    private static KinesisEvent event(int s, List<String> shard, int from, int to) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String seq = FIRST_SEQUENCE.multiply(BigInteger.valueOf(1_000_000)).add(BigInteger.valueOf(i)).toString();
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(seq);
            kinesis.setPartitionKey("pk-" + i);
            kinesis.setData(ByteBuffer.wrap(shard.get(i).getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(shardId(s) + ":" + seq);
            record.setEventSource("aws:kinesis");
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    private static String shardId(int s) {
        return String.format("shardId-%012d", s);
    }
}

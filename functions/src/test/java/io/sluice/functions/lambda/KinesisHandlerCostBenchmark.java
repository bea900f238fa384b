package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.RoundTripMeter;
import io.sluice.localstack.Service;
import io.sluice.state.SplitState;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one Kinesis batch costs the operator handler, as Lambda bills it: CPU milliseconds per 1,000 records, DynamoDB
 * calls per batch and its <em>sequential</em> round trips, the longest chain of calls one after the other
 * ({@link RoundTripMeter}), each a network wait Lambda bills as duration. Calls in flight together count once. Every
 * request gets {@code sluice.benchmark.latencyMs} (5 ms by default, about an in-region round trip) added, so calls
 * sent together overlap as they would against DynamoDB rather than finish before the next starts on a local engine.
 * Not a unit test: run it by name,
 *
 * <pre>
 * mvn -o -q -pl functions -am test -Dtest=KinesisHandlerCostBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>A batch's work starts at the invocation's JSON and ends with the response's JSON: the deployed stream handler
 * reads and writes them itself; with {@code -Dsluice.benchmark.handler=runtime} the {@code RequestHandler} gets them
 * through the serializers Lambda's Java runtime uses. Its CPU is measured two ways ({@link CpuMeter}): the <em>process's</em> CPU while
 * the batch runs (everything the work costs, GC and JIT included, on every thread; moto and kinesis-mock are other
 * processes), an upper bound, and the <em>handler threads'</em> (the invoking thread and the state store's call
 * threads), a lower bound; the CPU of the whole measured run by kind of thread ({@code /proc}) says which is nearer. The local engine's figures are process CPU too.
 *
 * <p>One warm handler instance, 2 shards, batches of {@code sluice.benchmark.batchSize} (1,000) generated orders (10 simulated minutes, up to 5 s
 * disorder) delivered round-robin, firing after every batch as the deployed handler does; measured after
 * {@code sluice.benchmark.warmups} (1) identical runs on fresh tables, so the JIT has compiled the path.
 * {@code -Dsluice.benchmark.jfr=handler.jfr} records the measured run for {@code jfr print}. The table goes to stdout
 * and {@code target/benchmarks/kinesis-handler-cost.md}.
 */
@ExtendWith(LocalAwsExtension.class)
class KinesisHandlerCostBenchmark {

    private static final int SHARDS = 2;
    /** Records per invocation ({@code -Dsluice.benchmark.batchSize}), the event source mapping's {@code BatchSize}. */
    private static final int BATCH = Integer.getInteger("sluice.benchmark.batchSize", 1_000);
    /** Lambda's limit on a synchronous invocation's request: a batch closes before the record that would pass it. */
    private static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    private static final int RECORDS = Integer.getInteger("sluice.benchmark.records", 40_000);
    private static final int LATENCY_MS = Integer.getInteger("sluice.benchmark.latencyMs", 5);
    private static final int WARMUPS = Integer.getInteger("sluice.benchmark.warmups", 1);
    /**
     * {@code -Dsluice.benchmark.handler}: {@code stream} (default), the deployed {@link KinesisOperatorStreamHandler}
     * handed the JSON; {@code runtime}, the {@link KinesisOperatorHandler} behind the runtime's serializer, as before.
     */
    private static final boolean STREAM = !"runtime".equals(System.getProperty("sluice.benchmark.handler", "stream"));
    /**
     * {@code -Dsluice.benchmark.http}: the DynamoDB client's HTTP client, {@code wiring} (default), the deployed one
     * ({@link io.sluice.functions.wiring.SdkClients#httpClient()}); {@code url-connection}, the one before issue 15's
     * change (run it with {@code -Dhttp.maxConnections=20}, as the wiring then set).
     */
    private static final boolean URL_CONNECTION = "url-connection".equals(System.getProperty("sluice.benchmark.http",
            "wiring"));
    /**
     * {@code -Dsluice.benchmark.keepAlive=true}: the DynamoDB client talks to moto_server through a {@link KeepAliveProxy},
     * so its connections are kept as DynamoDB keeps them (moto closes each after one response: a TCP connection per
     * call otherwise). The proxy's CPU is in the process figure, not in the handler threads'.
     */
    private static final boolean KEEP_ALIVE = Boolean.getBoolean("sluice.benchmark.keepAlive");
    /** Where a JFR recording of the measured run goes ({@code -Dsluice.benchmark.jfr=handler.jfr}); none by default. */
    private static final String JFR = System.getProperty("sluice.benchmark.jfr");
    /**
     * Where async-profiler's collapsed stacks of the measured run go
     * ({@code -Dsluice.benchmark.asprof=handler.collapsed}, with
     * {@code -Dsluice.benchmark.asprofLib=/path/libasyncProfiler.so} and its Java API on the boot class path,
     * {@code -Xbootclasspath/a:DIR}); JFR misses much of C1's code. By thread; {@code sluice.benchmark.asprofEvent}
     * ({@code ctimer}, or {@code cpu} where perf events are allowed) every {@code sluice.benchmark.asprofInterval}
     * ({@code 1ms}). None by default.
     */
    private static final String ASPROF = System.getProperty("sluice.benchmark.asprof");
    /** The steady batch of the measured run that waited the most round trips, and its chain ({@link RoundTripMeter#chain}). */
    private static Map.Entry<Integer, String> longestChain = Map.entry(0, "");
    private static final BigInteger FIRST_SEQUENCE = new BigInteger("49590338271490256608559692538361571095921575989136");

    @Test
    void kinesisHandler_cpuAndDynamoDbRoundTripsPerBatch(LocalAws aws) throws Exception {
        List<List<String>> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(new ArrayList<>());
        }
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(RECORDS).seed(42).duration(Duration.ofMinutes(10))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        orders.forEach(o -> shards.get(Math.floorMod(o.orderId().hashCode(), SHARDS)).add(o.toJson()));
        // The same run on fresh tables first, WARMUPS times: the JIT then has compiled the handler's path, as on a
        // Lambda instance after its first minutes, and the measured run starts from the same empty state.
        for (int w = 0; w < WARMUPS; w++) {
            run(aws, shards, null, null);
        }
        CpuMeter cpu = CpuMeter.calibrated("sluice-dynamodb-", 2_000);
        Recording jfr = JFR == null ? null : new Recording();
        if (jfr != null) {
            // CPU samples only, every 5 ms: the "profile" settings' allocation and I/O events cost more than the handler.
            jfr.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5)).withStackTrace();
            jfr.start();
        }
        asprof("start,event=" + System.getProperty("sluice.benchmark.asprofEvent", "ctimer") + ",interval="
                + System.getProperty("sluice.benchmark.asprofInterval", "1ms") + ",threads");
        Map<String, Integer> steadyCalls = new TreeMap<>();
        Map<String, long[]> ticks = CpuMeter.threadTicks();
        List<long[]> batches = run(aws, shards, cpu, steadyCalls);
        String byThread = CpuMeter.ticksDelta(ticks, CpuMeter.threadTicks());
        asprof("stop,file=" + ASPROF + ",collapsed");
        if (jfr != null) {
            jfr.stop();
            jfr.dump(Path.of(JFR));
            jfr.close();
        }
        String table = table(batches, steadyCalls, cpu) + String.format(Locale.ROOT,
                "Process CPU of the measured run by thread (/proc, the harness's event building included): %s%n", byThread)
                + String.format(Locale.ROOT, "Longest chain of a steady batch (%d round trips), the calls started at "
                + "each depth: %s%n", longestChain.getKey(), longestChain.getValue());
        System.out.println(table);
        Path out = Path.of("target/benchmarks/kinesis-handler-cost.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    /**
     * Delivers every shard's records in batches, round-robin, to one handler instance on fresh tables.
     *
     * @return per batch {records, threads' CPU nanos, calls, sequential round trips, process CPU nanos}
     */
    private static List<long[]> run(LocalAws aws, List<List<String>> shards, CpuMeter cpu,
                                    Map<String, Integer> steadyCalls) throws IOException {
        RoundTripMeter meter = RoundTripMeter.withLatency(Duration.ofMillis(LATENCY_MS));
        KeepAliveProxy proxy = KEEP_ALIVE ? new KeepAliveProxy(aws.endpoint(Service.DYNAMODB)) : null;
        SdkHttpClient http = URL_CONNECTION ? UrlConnectionHttpClient.create()
                : io.sluice.functions.wiring.SdkClients.httpClient();
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(proxy != null ? proxy.endpoint() : aws.endpoint(Service.DYNAMODB)).region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClient(http)
                .overrideConfiguration(c -> c.addExecutionInterceptor(meter)).build();
        // What Lambda's Java runtime does with the invocation's JSON before a RequestHandler sees it.
        PojoSerializer<KinesisEvent> serializer = LambdaEventSerializers.serializerFor(KinesisEvent.class,
                KinesisHandlerCostBenchmark.class.getClassLoader());
        PojoSerializer<StreamsEventResponse> responses = JacksonFactory.getInstance()
                .getSerializer(StreamsEventResponse.class);
        List<long[]> batches = new ArrayList<>();
        // closed after the store's client (the SDK leaves a client it was given open)
        try (KeepAliveProxy ownedProxy = proxy; SdkHttpClient ownedHttp = http; LocalSluice sluice = new LocalSluice(aws, "gmv-by-category", null, dynamo)) {
            for (int s = 0; s < SHARDS; s++) {
                sluice.store().advanceSplit(SplitState.pending(sluice.pipeline(), shardId(s), System.currentTimeMillis(),
                        List.of()));
            }
            KinesisOperatorHandler handler = STREAM ? null : sluice.kinesisHandler();
            KinesisOperatorStreamHandler streamHandler = STREAM ? sluice.kinesisStreamHandler() : null;
            int[] next = new int[SHARDS];
            boolean more = true;
            while (more) {
                more = false;
                for (int s = 0; s < SHARDS; s++) {
                    List<String> shard = shards.get(s);
                    if (next[s] >= shard.size()) {
                        continue;
                    }
                    byte[] json = eventJson(s, shard, next[s], Math.min(shard.size(), next[s] + BATCH));
                    int to = next[s] + recordsIn(json);
                    meter.reset();
                    CpuMeter.Sample sample = cpu == null ? null : cpu.start();
                    StreamsEventResponse response;
                    if (STREAM) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        streamHandler.handleRequest(new ByteArrayInputStream(json), out, null);
                        if (sample != null) {
                            sample.stop();
                        }
                        response = responses.fromJson(new ByteArrayInputStream(out.toByteArray()));
                    } else {
                        KinesisEvent event = serializer.fromJson(new ByteArrayInputStream(json));
                        // the runtime then serializes the returned response: counted too
                        responses.toJson(response = handler.handleRequest(event, null), new ByteArrayOutputStream());
                        if (sample != null) {
                            sample.stop();
                        }
                    }
                    assertThat(response.getBatchItemFailures()).isEmpty();
                    if (steadyCalls != null && batches.size() >= 2 * SHARDS
                            && meter.sequentialRoundTrips() > longestChain.getKey()) {
                        longestChain = Map.entry(meter.sequentialRoundTrips(), meter.chain());
                    }
                    // A batch that claims a window (TransactWriteItems) fires it: a fixed cost per window, which a fleet
                    // of many shards shares, shown apart from the batches that fire nothing.
                    boolean fired = meter.callsByOperation().containsKey("TransactWriteItems");
                    batches.add(new long[]{to - next[s], sample == null ? 0 : sample.threadsNanos(), meter.calls(),
                            meter.sequentialRoundTrips(), sample == null ? 0 : sample.processNanos(), fired ? 1 : 0});
                    if (steadyCalls != null && batches.size() > 2 * SHARDS) {
                        meter.callsByOperation().forEach((op, n) -> steadyCalls.merge(op, n, Integer::sum));
                    }
                    next[s] = to;
                    more = true;
                }
            }
        }
        if (proxy != null) {
            System.out.println("KeepAliveProxy: " + proxy.connectionsPerRequests());
        }
        return batches;
    }

    /** Runs an async-profiler command through its Java API, found by reflection: not a dependency of the build. */
    private static void asprof(String command) throws ReflectiveOperationException {
        if (ASPROF == null) {
            return;
        }
        Object profiler = Class.forName("one.profiler.AsyncProfiler").getMethod("getInstance", String.class)
                .invoke(null, System.getProperty("sluice.benchmark.asprofLib"));
        profiler.getClass().getMethod("execute", String.class).invoke(profiler, command);
    }

    /** Steady state: the first two batches of each shard (cold caches, preloads, JIT warm-up) are shown apart. */
    private static String table(List<long[]> batches, Map<String, Integer> steadyCalls, CpuMeter meter) {
        List<long[]> steady = batches.subList(Math.min(batches.size(), 2 * SHARDS), batches.size());
        long records = steady.stream().mapToLong(b -> b[0]).sum();
        long cpu = steady.stream().mapToLong(b -> b[1]).sum();
        long process = steady.stream().mapToLong(b -> b[4]).sum();
        long[] processPerK = steady.stream().mapToLong(b -> b[4] * 1000 / Math.max(1, b[0])).sorted().toArray();
        long[] calls = steady.stream().mapToLong(b -> b[3]).sorted().toArray();
        long[] allCalls = steady.stream().mapToLong(b -> b[2]).sorted().toArray();
        long[] cpuPerK = steady.stream().mapToLong(b -> b[1] * 1000 / Math.max(1, b[0])).sorted().toArray();
        long coldCalls = batches.subList(0, Math.min(batches.size(), 2 * SHARDS)).stream().mapToLong(b -> b[3]).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Kinesis handler (" + (STREAM ? "stream handler" : "runtime's serializer") + "), %,d records, %d shards, batches of up to %,d "
                + "(6 MB payload cap; steady batches' mean %,d records), one warm instance, "
                + "%d ms added per request, %d warm-up run(s), DynamoDB over %s%s; process CPU when idle before it %.1f ms/s%n"
                + "%s%n%n",
                batches.stream().mapToLong(b -> b[0]).sum(), SHARDS, BATCH, records / Math.max(1, steady.size()),
                LATENCY_MS, WARMUPS, URL_CONNECTION ? "url-connection-client" : "the wiring's HTTP client",
                KEEP_ALIVE ? " kept alive (KeepAliveProxy)" : " (moto closes every connection)",
                meter.idlePerWallNano() * 1000, LambdaJvm.describe()));
        sb.append("| measure | steady batches | value |\n|---|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| process CPU ms per 1,000 records (mean) | %d | %.1f |%n",
                steady.size(), process / 1e6 * 1000 / Math.max(1, records)));
        sb.append(String.format(Locale.ROOT, "| process CPU ms per 1,000 records (median batch) | %d | %.1f |%n",
                steady.size(), median(processPerK) / 1e6));
        sb.append(String.format(Locale.ROOT, "| handler threads' CPU ms per 1,000 records (mean) | %d | %.1f |%n", steady.size(),
                cpu / 1e6 * 1000 / Math.max(1, records)));
        sb.append(String.format(Locale.ROOT, "| handler threads' CPU ms per 1,000 records (median batch) | %d | %.1f |%n",
                steady.size(), median(cpuPerK) / 1e6));
        List<long[]> quiet = steady.stream().filter(b -> b[5] == 0).toList();
        List<long[]> firing = steady.stream().filter(b -> b[5] == 1).toList();
        long quietRecords = Math.max(1, quiet.stream().mapToLong(b -> b[0]).sum());
        sb.append(String.format(Locale.ROOT, "| process CPU ms per 1,000 records, batches that fire no window (mean) | %d | %.1f |%n",
                quiet.size(), quiet.stream().mapToLong(b -> b[4]).sum() / 1e6 * 1000 / quietRecords));
        sb.append(String.format(Locale.ROOT, "| handler threads' CPU ms per 1,000 records, batches that fire no window (mean) | %d | %.1f |%n",
                quiet.size(), quiet.stream().mapToLong(b -> b[1]).sum() / 1e6 * 1000 / quietRecords));
        sb.append(String.format(Locale.ROOT, "| process CPU ms of a batch that fires (mean; a fleet shares it per window) | %d | %.1f |%n",
                firing.size(), firing.stream().mapToLong(b -> b[4]).average().orElse(0) / 1e6));
        sb.append(String.format(Locale.ROOT, "| sequential DynamoDB round trips per batch (median / min / max) | %d | %d / %d / %d |%n",
                steady.size(), median(calls), calls.length == 0 ? 0 : calls[0],
                calls.length == 0 ? 0 : calls[calls.length - 1]));
        sb.append(String.format(Locale.ROOT, "| sequential round trips per batch (mean) | %d | %.1f |%n", steady.size(),
                Arrays.stream(calls).average().orElse(0)));
        sb.append(String.format(Locale.ROOT, "| DynamoDB calls per batch (median / mean / max) | %d | %d / %.1f / %d |%n",
                steady.size(), median(allCalls), Arrays.stream(allCalls).average().orElse(0),
                allCalls.length == 0 ? 0 : allCalls[allCalls.length - 1]));
        sb.append(String.format(Locale.ROOT, "| round trips in a shard's first two batches (max) | %d | %d |%n",
                Math.min(batches.size(), 2 * SHARDS), coldCalls));
        sb.append(String.format(Locale.ROOT, "%nSteady-state calls by operation (all %d batches): %s%n", steady.size(),
                steadyCalls));
        sb.append(String.format(Locale.ROOT, "Sequential round trips per batch: %s%n",
                Arrays.toString(steady.stream().mapToLong(b -> b[3]).toArray())));
        sb.append(String.format(Locale.ROOT, "Process CPU ms per batch: %s%n",
                Arrays.toString(steady.stream().mapToLong(b -> b[4] / 1_000_000).toArray())));
        sb.append(String.format(Locale.ROOT, "Calls per batch: %s%n",
                Arrays.toString(steady.stream().mapToLong(b -> b[2]).toArray())));
        return sb.toString();
    }

    private static long median(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    /**
     * The invocation's payload as the event source mapping sends it (data base64, one JSON object per record): the
     * records from {@code from} up to {@code to}, or fewer if the next would pass Lambda's 6,291,456-byte payload
     * limit, as the mapping closes a batch early then.
     */
    private static byte[] eventJson(int s, List<String> shard, int from, int to) {
        StringBuilder json = new StringBuilder(to - from << 9).append("{\"Records\":[");
        Base64.Encoder base64 = Base64.getEncoder();
        for (int i = from; i < to; i++) {
            int before = json.length();
            String seq = FIRST_SEQUENCE.multiply(BigInteger.valueOf(1_000_000)).add(BigInteger.valueOf(i)).toString();
            json.append(i == from ? "" : ",")
                    .append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"pk-").append(i)
                    .append("\",\"sequenceNumber\":\"").append(seq).append("\",\"data\":\"")
                    .append(base64.encodeToString(shard.get(i).getBytes(StandardCharsets.UTF_8)))
                    .append("\",\"approximateArrivalTimestamp\":1605052800.987},\"eventSource\":\"aws:kinesis\",")
                    .append("\"eventVersion\":\"1.0\",\"eventID\":\"").append(shardId(s)).append(':').append(seq)
                    .append("\",\"eventName\":\"aws:kinesis:record\",")
                    .append("\"invokeIdentityArn\":\"arn:aws:iam::123456789012:role/lambda-role\",")
                    .append("\"awsRegion\":\"us-east-1\",")
                    .append("\"eventSourceARN\":\"arn:aws:kinesis:us-east-1:123456789012:stream/sluice-bench\"}");
            if (i > from && json.length() + 2 > MAX_PAYLOAD_BYTES) {   // ASCII: characters are bytes
                json.setLength(before);
                break;
            }
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Records in an event built by {@link #eventJson}: one {@code "eventID"} each. */
    private static int recordsIn(byte[] json) {
        String text = new String(json, StandardCharsets.US_ASCII);
        int n = 0;
        for (int at = text.indexOf("\"eventID\""); at >= 0; at = text.indexOf("\"eventID\"", at + 1)) {
            n++;
        }
        return n;
    }

    private static String shardId(int s) {
        return String.format("shardId-%012d", s);
    }
}

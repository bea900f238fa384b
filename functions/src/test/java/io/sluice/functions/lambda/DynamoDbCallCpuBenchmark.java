package io.sluice.functions.lambda;

import io.sluice.functions.wiring.SdkClients;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.endpoints.AccountIdEndpointMode;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The client-side CPU of one DynamoDB call through the SDK, by HTTP client and by client setting: the floor under the
 * handler's CPU per batch, whatever Sluice itself does, since a batch of {@code gmv-by-category} makes 20-60 such
 * calls. One conditional {@code PutItem} of a 2 KB partial item (SigV4, JSON marshalling, the response's CRC32,
 * retries and interceptors), answered at once by a {@link CannedDynamoDbServer} in this JVM over keep-alive, so no
 * engine's or network's variance enters. Not a unit test: run it by name,
 *
 * <pre>
 * mvn -o -q -pl functions -am test -Dtest=DynamoDbCallCpuBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>The variants run round-robin ({@code sluice.benchmark.rounds}, 6, of {@code sluice.benchmark.calls}, 3,000,
 * calls each; the first two are warm-up), so the machine's load drifts over all of them alike. Two figures per call,
 * medians of the measured rounds: the <em>caller</em> thread's CPU, and the <em>client's</em>, every thread of the
 * process (from {@code /proc/self/task/N/schedstat}, nanoseconds) except the canned server's and the JIT compilers':
 * the CRT client does its I/O on native event-loop threads the caller's figure cannot see, and GC is work the calls
 * cause. {@code -Dsluice.benchmark.variants=url,crt} runs a subset (by name prefix). The table goes to stdout and
 * {@code target/benchmarks/dynamodb-call-cpu.md}.
 */
class DynamoDbCallCpuBenchmark {

    private static final int CALLS = Integer.getInteger("sluice.benchmark.calls", 3_000);
    private static final int ROUNDS = Integer.getInteger("sluice.benchmark.rounds", 6);
    private static final int WARMUP_ROUNDS = 2;
    private static final String RESPONSE = "{\"ConsumedCapacity\":{\"TableName\":\"s\",\"CapacityUnits\":3.0}}";
    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"));

    /** One way of making the call: a client and the request's shape. */
    private record Variant(String name, DynamoDbClient client, Consumer<PutItemRequest.Builder> request) {
    }

    @Test
    void putItem_clientCpuPerCall_byHttpClientAndSetting() throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, AttributeValue> item = partialItem(2_000);
        Map<String, AttributeValue> small = partialItem(100);
        Consumer<PutItemRequest.Builder> put = putOf(item, ReturnConsumedCapacity.TOTAL);
        List<Variant> variants = new ArrayList<>();
        try (CannedDynamoDbServer server = new CannedDynamoDbServer(RESPONSE, true);
             CannedDynamoDbServer noCrc = new CannedDynamoDbServer(RESPONSE, false)) {
            // -Dsluice.benchmark.endpoint=http://127.0.0.1:PORT: a running engine (moto_server, with a table
            // sluice-state keyed pk, sk) instead of the canned server; the settings variants then run against the canned one.
            String engine = System.getProperty("sluice.benchmark.endpoint");
            URI endpoint = URI.create(engine != null ? engine : "http://127.0.0.1:" + server.port());
            // The HTTP clients, each with the SDK's other defaults as the Lambda wiring leaves them.
            add(variants, "url-connection (the wiring's before)", UrlConnectionHttpClient.create(), endpoint, b -> b, put);
            add(variants, "apache", ApacheHttpClient.create(), endpoint, b -> b, put);
            add(variants, "apache5", Apache5HttpClient.create(), endpoint, b -> b, put);
            add(variants, "apache5 (the wiring's, SdkClients)", SdkClients.httpClient(), endpoint, b -> b, put);
            add(variants, "aws-crt", AwsCrtHttpClient.create(), endpoint, b -> b, put);
            // One setting at a time on the wiring's client, always against the canned server: what each costs.
            URI canned = URI.create("http://127.0.0.1:" + server.port());
            add(variants, "apache5 + no retries", SdkClients.httpClient(), canned,
                    b -> b.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())), put);
            add(variants, "apache5 + account-id endpoints off", SdkClients.httpClient(), canned,
                    b -> b.accountIdEndpointMode(AccountIdEndpointMode.DISABLED), put);
            add(variants, "apache5 + response without x-amz-crc32", SdkClients.httpClient(),
                    URI.create("http://127.0.0.1:" + noCrc.port()), b -> b, put);
            add(variants, "apache5 + ReturnConsumedCapacity NONE", SdkClients.httpClient(), canned, b -> b,
                    putOf(item, ReturnConsumedCapacity.NONE));
            add(variants, "apache5 + unsigned (anonymous)", SdkClients.httpClient(), canned,
                    b -> b.credentialsProvider(AnonymousCredentialsProvider.create()), put);
            add(variants, "apache5 + 100-byte item", SdkClients.httpClient(), canned, b -> b,
                    putOf(small, ReturnConsumedCapacity.TOTAL));
            String only = System.getProperty("sluice.benchmark.variants");
            if (only != null) {
                List<String> prefixes = Arrays.asList(only.split(","));
                variants.removeIf(v -> prefixes.stream().noneMatch(v.name()::startsWith));
            }
            long[][] caller = new long[variants.size()][ROUNDS];
            long[][] client = new long[variants.size()][ROUNDS];
            long[][] wall = new long[variants.size()][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int v = 0; v < variants.size(); v++) {
                    Variant variant = variants.get(v);
                    Map<String, Long> before = threadNanos();
                    long cpu = threads.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    for (int i = 0; i < CALLS; i++) {
                        variant.client().putItem(variant.request());
                    }
                    caller[v][round] = threads.getCurrentThreadCpuTime() - cpu;
                    wall[v][round] = System.nanoTime() - start;
                    client[v][round] = clientNanos(before, threadNanos());
                }
            }
            String table = table(variants, caller, client, wall);
            System.out.print(table);
            Path out = Path.of("target/benchmarks/dynamodb-call-cpu.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
        } finally {
            // closes the service clients only: the HTTP clients given to them are left to the JVM's exit
            variants.forEach(v -> v.client().close());
        }
    }

    private static void add(List<Variant> variants, String name, SdkHttpClient http, URI endpoint,
                            UnaryOperator<DynamoDbClientBuilder> setting, Consumer<PutItemRequest.Builder> request) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(http);
        variants.add(new Variant(name, setting.apply(builder).build(), request));
    }

    /** A partial item of gmv-by-category's shape: keys, fence, TTL and an encoded bucket of accumulators. */
    private static Map<String, AttributeValue> partialItem(int encodedBytes) {
        byte[] body = new byte[encodedBytes];
        new Random(1).nextBytes(body);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("gmv-by-category#w#1605052800000#60000#3"));
        item.put("sk", AttributeValue.fromS("shardId-000000000001#7"));
        item.put("f", AttributeValue.fromS("0000000049590338271490256608559692538361571095921575989136#000000"));
        item.put("e", AttributeValue.fromB(SdkBytes.fromByteArray(body)));
        item.put("ttl", AttributeValue.fromN("1700000000"));
        return item;
    }

    /** The store's fenced write: the item, on condition that the fence is the one last seen (or none, the first time). */
    private static Consumer<PutItemRequest.Builder> putOf(Map<String, AttributeValue> item, ReturnConsumedCapacity rcc) {
        return b -> b.tableName("sluice-state").item(item).conditionExpression("attribute_not_exists(f) OR f = :f")
                .expressionAttributeValues(Map.of(":f", item.get("f"))).returnConsumedCapacity(rcc);
    }

    /** CPU nanoseconds of every thread of this process, by "tid name" (Linux {@code schedstat}; empty elsewhere). */
    private static Map<String, Long> threadNanos() {
        Map<String, Long> nanos = new HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return nanos;
        }
        for (java.io.File task : tasks) {
            try {
                String comm = Files.readString(task.toPath().resolve("comm")).strip();
                String schedstat = Files.readString(task.toPath().resolve("schedstat"));
                nanos.put(task.getName() + " " + comm, Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
            } catch (IOException | RuntimeException gone) {
                // a thread that ended while being read
            }
        }
        return nanos;
    }

    /** What the calls cost every thread but the canned servers' and the JIT compilers' between two readings. */
    private static long clientNanos(Map<String, Long> before, Map<String, Long> after) {
        long sum = 0;
        for (Map.Entry<String, Long> t : after.entrySet()) {
            String name = t.getKey().substring(t.getKey().indexOf(' ') + 1);
            if (name.startsWith(CannedDynamoDbServer.THREAD_PREFIX) || name.contains("CompilerThre")) {
                continue;
            }
            sum += t.getValue() - before.getOrDefault(t.getKey(), 0L);
        }
        return sum;
    }

    private static String table(List<Variant> variants, long[][] caller, long[][] client, long[][] wall) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "DynamoDB PutItem (2 KB item, conditional), CPU per call in us, median (min-max) of rounds %d-%d of %,d "
                        + "calls; %s:%n| variant | caller thread | client (all threads but server and JIT) | client vs url-connection | wall (us) |%n"
                        + "|---|---:|---:|---:|---:|%n", WARMUP_ROUNDS, ROUNDS - 1, CALLS, LambdaJvm.describe()));
        double base = median(client[0]);
        for (int v = 0; v < variants.size(); v++) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2fx | %.0f |%n", variants.get(v).name(),
                    stats(caller[v]), stats(client[v]), median(client[v]) / base, median(wall[v])));
        }
        return sb.toString();
    }

    private static String stats(long[] rounds) {
        long[] measured = Arrays.copyOfRange(rounds, WARMUP_ROUNDS, rounds.length);
        Arrays.sort(measured);
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", median(rounds), measured[0] / 1e3 / CALLS,
                measured[measured.length - 1] / 1e3 / CALLS);
    }

    /** Median of the measured rounds, in microseconds per call. */
    private static double median(long[] rounds) {
        long[] measured = Arrays.copyOfRange(rounds, WARMUP_ROUNDS, rounds.length);
        Arrays.sort(measured);
        int n = measured.length;
        double m = n % 2 == 1 ? measured[n / 2] : (measured[n / 2 - 1] + measured[n / 2]) / 2.0;
        return m / 1e3 / CALLS;
    }
}

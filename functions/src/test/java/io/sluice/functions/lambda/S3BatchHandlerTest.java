package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.S3BatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 batch handler on the local engines with S3 Batch Operations events of schema 1.0 and 2.0 and the
 * orchestrator's task event: per-task result codes, streamed plain and gzip objects, fired results.
 */
@ExtendWith(LocalAwsExtension.class)
class S3BatchHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PART_1 = "orders/2020-11-11 part-1.jsonl";
    /** {@code job.id} of events/s3batch/schema_2_0.json. */
    private static final String JOB_2_0 = "ac2be2b4-6a2f-4dd8-9a3a-6a7fd4b2d1e1";
    static final String PART_2 = "orders/2020-11-11 part-2.jsonl.gz";

    private LocalSluice sluice;
    private List<Order> orders;

    @BeforeEach
    void deploy(LocalAws aws) {
        sluice = new LocalSluice(aws, "gmv-by-category");
        orders = new ArrayList<>();
        OrdersGenerator.builder().records(2_000).seed(11).duration(Duration.ofMinutes(3))
                .maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        putOrders(sluice, orders);
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    /** The first half of {@code orders} as a plain object, the second half gzipped. */
    static void putOrders(LocalSluice sluice, List<Order> orders) {
        int half = orders.size() / 2;
        sluice.putData(PART_1, jsonLines(orders.subList(0, half)));
        sluice.putData(PART_2, gzip(jsonLines(orders.subList(half, orders.size()))));
    }

    @Test
    void schema10_succeeds_andFiresOnlyWhenTheJobIsComplete() {
        // Act
        JsonNode response = invoke("events/s3batch/schema_1_0.json");
        long beforeCompletion = totalCount(sluice);
        JsonNode completion = invokeJson("{\"jobId\":\"f3cc4f60-61f6-4a2b-8a21-d07600c373ce\",\"fire\":\"complete\"}"
                .getBytes(StandardCharsets.UTF_8));

        // Assert
        assertThat(response.path("invocationSchemaVersion").asText()).isEqualTo("1.0");
        assertThat(response.path("invocationId").asText()).isEqualTo("YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo");
        assertThat(response.path("treatMissingKeysAs").asText()).isEqualTo("PermanentFailure");
        JsonNode result = response.path("results").get(0);
        assertThat(result.path("taskId").asText()).isEqualTo("dGFza2lkZ29lc2hlcmUK");
        assertThat(result.path("resultCode").asText()).isEqualTo("Succeeded");
        assertThat(result.path("resultString").asText()).isEqualTo("lines=1000 rejected=0 late=0");
        // S3 Batch Operations runs one task per invocation: no task knows the others, so none fires (issue 11).
        assertThat(beforeCompletion).isZero();
        assertThat(completion.path("results").isEmpty()).isTrue();
        assertThat(totalCount(sluice)).isEqualTo(1_000);
        // The job runs as its own pipeline: its results and state stay apart from the live pipeline's.
        String job = GmvPipelines.byCategory().forJob("f3cc4f60-61f6-4a2b-8a21-d07600c373ce").name();
        assertThat(sluice.objects("results/").keySet()).isNotEmpty().allMatch(k -> k.startsWith("results/" + job + "/"));
        assertThat(sluice.store().splits("gmv-by-category")).isEmpty();
        assertThat(sluice.store().splits(job)).extracting(s -> s.split()).containsExactly("dGFza2lkZ29lc2hlcmUK");
    }

    @Test
    void response_bindsToTheLambdaEventsLibrarysS3BatchResponse() throws Exception {
        JsonNode response = invoke("events/s3batch/schema_2_0.json");

        S3BatchResponse typed = JSON.treeToValue(response, S3BatchResponse.class);

        assertThat(typed.getTreatMissingKeysAs()).isEqualTo(S3BatchResponse.ResultCode.PermanentFailure);
        assertThat(typed.getResults()).singleElement().satisfies(r -> {
            assertThat(r.getTaskId()).isEqualTo("dGFza2lkZ29lc2hlcmUy");
            assertThat(r.getResultCode()).isEqualTo(S3BatchResponse.ResultCode.Succeeded);
        });
        assertThat(JSON.valueToTree(typed).path("results").get(0).path("resultString"))
                .isEqualTo(response.path("results").get(0).path("resultString"));
    }

    @Test
    void schema20_streamsAGzipObject_withAnUrlEncodedKey() {
        // Act
        JsonNode response = invoke("events/s3batch/schema_2_0.json");
        invokeJson(("{\"jobId\":\"" + JOB_2_0 + "\",\"fire\":\"complete\"}")
                .getBytes(StandardCharsets.UTF_8));

        // Assert
        assertThat(response.path("invocationSchemaVersion").asText()).isEqualTo("2.0");
        JsonNode result = response.path("results").get(0);
        assertThat(result.path("resultCode").asText()).isEqualTo("Succeeded");
        assertThat(result.path("resultString").asText()).startsWith("lines=1000 ");
        assertThat(totalCount(sluice)).isEqualTo(1_000);
    }

    @Test
    void schema20_isAPermanentFailure_whenTheObjectIsMissing() {
        JsonNode result = invoke("events/s3batch/schema_2_0_missing_key.json").path("results").get(0);

        assertThat(result.path("resultCode").asText()).isEqualTo("PermanentFailure");
        assertThat(result.path("resultString").asText())
                .isEqualTo("object not found: s3://sluice-test-data/orders/does-not-exist.jsonl");
    }

    @Test
    void orchestratorTask_isAPermanentFailure_whenTheGzipStreamIsMalformed() {
        // Arrange: gzip magic, then garbage
        sluice.putData("orders/broken.jsonl.gz", new byte[] {0x1F, (byte) 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        String event = "{\"jobId\":\"job-broken\",\"tasks\":[{\"taskId\":\"job-broken-t1\",\"bucket\":\""
                + LocalSluice.DATA_BUCKET + "\",\"key\":\"orders/broken.jsonl.gz\"}]}";

        // Act
        JsonNode response = invokeJson(event.getBytes(StandardCharsets.UTF_8));

        // Assert
        assertThat(response.path("jobId").asText()).isEqualTo("job-broken");
        JsonNode result = response.path("results").get(0);
        assertThat(result.path("resultCode").asText()).isEqualTo("PermanentFailure");
        assertThat(result.path("resultString").asText()).startsWith("malformed gzip in s3://sluice-test-data/");
    }

    @Test
    void orchestratorTask_isAPermanentFailure_whenTheGzipStreamIsTruncated() {
        // Arrange: the first 200 bytes of a valid gzip object
        byte[] whole = gzip(jsonLines(orders.subList(0, 100)));
        sluice.putData("orders/truncated.jsonl.gz", java.util.Arrays.copyOf(whole, 200));
        String event = "{\"jobId\":\"job-truncated\",\"tasks\":[{\"taskId\":\"job-truncated-t1\",\"bucket\":\""
                + LocalSluice.DATA_BUCKET + "\",\"key\":\"orders/truncated.jsonl.gz\"}]}";

        // Act
        JsonNode result = invokeJson(event.getBytes(StandardCharsets.UTF_8)).path("results").get(0);

        // Assert
        assertThat(result.path("resultCode").asText()).isEqualTo("PermanentFailure");
        assertThat(result.path("resultString").asText()).startsWith("truncated gzip in s3://sluice-test-data/");
    }

    @Test
    void orchestratorTask_runsEveryTaskAsItsOwnSplit_andFiresOnceAllAreFinished() {
        // Act
        JsonNode response = invoke("events/s3batch/orchestrator_task.json");

        // Assert
        assertThat(response.path("results")).extracting(r -> r.path("resultCode").asText())
                .containsExactly("Succeeded", "Succeeded");
        assertThat(totalCount(sluice)).isEqualTo(2_000);
        long sum = orders.stream().mapToLong(Order::amount).sum();
        assertThat(totalSum(sluice)).isEqualTo(sum);
        assertThat(sluice.store().splits(GmvPipelines.byCategory().forJob("job-2020-11-11").name())).hasSize(2);
    }

    @Test
    void orchestratorTask_ofSeveralObjects_readsThemAsOneSplit_andNamesAMissingOne() {
        // Arrange: the plain and the gzip part as one task ("more"), then a task whose second object is missing
        String event = "{\"jobId\":\"grouped\",\"tasks\":[{\"taskId\":\"grouped-t1\",\"bucket\":\""
                + LocalSluice.DATA_BUCKET + "\",\"key\":\"" + PART_1 + "\",\"more\":[{\"key\":\"" + PART_2 + "\"}]},"
                + "{\"taskId\":\"grouped-t2\",\"bucket\":\"" + LocalSluice.DATA_BUCKET + "\",\"key\":\"" + PART_1
                + "\",\"more\":[{\"key\":\"orders/gone.jsonl\"}]}],\"fire\":\"none\"}";

        // Act
        JsonNode results = invokeJson(event.getBytes(StandardCharsets.UTF_8)).path("results");

        // Assert
        assertThat(results.get(0).path("resultCode").asText()).isEqualTo("Succeeded");
        assertThat(results.get(0).path("resultString").asText()).startsWith("lines=2000 ");
        assertThat(results.get(1).path("resultCode").asText()).isEqualTo("PermanentFailure");
        assertThat(results.get(1).path("resultString").asText())
                .isEqualTo("object not found: s3://sluice-test-data/orders/gone.jsonl");
        assertThat(sluice.store().splits(GmvPipelines.byCategory().forJob("grouped").name())).hasSize(2);
    }

    @Test
    void aBatchJob_nextToTheLivePipelineInTheSameTables_neitherAddsToItsWindowsNorHoldsItsWatermark() {
        // Arrange: the live pipeline has fired one window from a shard
        var live = com.amazonaws.services.lambda.runtime.tests.EventLoader
                .loadKinesisEvent("events/kinesis/one_shard.json");
        sluice.kinesisHandler().handleRequest(live, null);
        String liveKey = "results/gmv-by-category/1605052800000-1605052860000.csv";
        String liveCsv = sluice.objects("results/gmv-by-category/").get(liveKey);

        // Act: a nightly job over the same deployment
        JsonNode response = invoke("events/s3batch/orchestrator_task.json");

        // Assert
        assertThat(response.path("results")).extracting(r -> r.path("resultCode").asText())
                .containsExactly("Succeeded", "Succeeded");
        assertThat(sluice.objects("results/gmv-by-category/")).containsExactly(java.util.Map.entry(liveKey, liveCsv));
        assertThat(sluice.store().splits("gmv-by-category")).extracting(s -> s.split())
                .containsExactly("shardId-000000000000");
        String job = GmvPipelines.byCategory().forJob("job-2020-11-11").name();
        assertThat(sluice.objects("results/" + job + "/")).isNotEmpty();
    }

    @Test
    void retriedTask_countsNothingTwice() {
        // Arrange
        invoke("events/s3batch/schema_1_0.json");
        var first = sluice.resultCsvs();

        // Act: S3 Batch Operations retries the task (e.g. after a timeout) on a new instance
        JsonNode result = invoke("events/s3batch/schema_1_0.json").path("results").get(0);

        // Assert
        assertThat(result.path("resultCode").asText()).isEqualTo("Succeeded");
        assertThat(sluice.resultCsvs()).isEqualTo(first);
    }

    @Test
    void orchestratorTasks_overByteRanges_applyEveryLineOnce_whenRangesCutLinesInTheMiddle() {
        // Arrange: three ranges of the plain object, cut at arbitrary bytes
        long size = sluice.s3.headObject(h -> h.bucket(LocalSluice.DATA_BUCKET).key(PART_1)).contentLength();
        long[] cuts = {0, size / 3 + 7, 2 * size / 3 - 5, size};
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            tasks.append(i == 0 ? "" : ",").append("{\"taskId\":\"ranges-t").append(i).append("\",\"bucket\":\"")
                    .append(LocalSluice.DATA_BUCKET).append("\",\"key\":\"").append(PART_1).append("\",\"range\":[")
                    .append(cuts[i]).append(',').append(cuts[i + 1]).append("]}");
        }

        // Act
        JsonNode response = invokeJson(("{\"jobId\":\"ranges\",\"tasks\":[" + tasks + "]}")
                .getBytes(StandardCharsets.UTF_8));

        // Assert
        assertThat(response.path("results")).extracting(r -> r.path("resultCode").asText())
                .containsOnly("Succeeded").hasSize(3);
        assertThat(totalCount(sluice)).isEqualTo(1_000);
        assertThat(totalSum(sluice)).isEqualTo(orders.subList(0, 1_000).stream().mapToLong(Order::amount).sum());
    }

    @Test
    void orchestratorTask_overAByteRangeOfAGzipObject_isAPermanentFailure() {
        String event = "{\"jobId\":\"gz-range\",\"tasks\":[{\"taskId\":\"gz-range-t1\",\"bucket\":\""
                + LocalSluice.DATA_BUCKET + "\",\"key\":\"" + PART_2 + "\",\"range\":[100,200]}]}";

        JsonNode result = invokeJson(event.getBytes(StandardCharsets.UTF_8)).path("results").get(0);

        assertThat(result.path("resultCode").asText()).isEqualTo("PermanentFailure");
        assertThat(result.path("resultString").asText()).contains("byte ranges need an uncompressed object");
    }

    @Test
    void orchestratorTasks_withFireNone_leaveFiringToTheOrchestrator() {
        String event = "{\"jobId\":\"no-fire\",\"fire\":\"none\",\"tasks\":[{\"taskId\":\"no-fire-t1\",\"bucket\":\""
                + LocalSluice.DATA_BUCKET + "\",\"key\":\"" + PART_1 + "\"}]}";

        JsonNode result = invokeJson(event.getBytes(StandardCharsets.UTF_8)).path("results").get(0);

        assertThat(result.path("resultCode").asText()).isEqualTo("Succeeded");
        assertThat(sluice.resultCsvs()).isEmpty();
        assertThat(sluice.store().readSplit(GmvPipelines.byCategory().forJob("no-fire").name(), "no-fire-t1")
                .orElseThrow().status())
                .isEqualTo(io.sluice.state.SplitStatus.FINISHED);
    }

    private JsonNode invoke(String resource) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            return invokeJson(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode invokeJson(byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            sluice.batchHandler().handleRequest(new java.io.ByteArrayInputStream(event), out, null);
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long totalCount(LocalSluice sluice) {
        return column(sluice, 2);
    }

    static long totalSum(LocalSluice sluice) {
        return column(sluice, 3);
    }

    private static long column(LocalSluice sluice, int index) {
        return sluice.resultCsvs().values().stream()
                .flatMap(csv -> csv.lines().skip(1))
                .mapToLong(line -> Long.parseLong(line.split(",")[index]))
                .sum();
    }

    static byte[] jsonLines(List<Order> orders) {
        StringBuilder b = new StringBuilder();
        orders.forEach(o -> b.append(o.toJson()).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

package io.sluice.orchestrator.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.orchestrator.batch.LocalBatchDeployment;
import io.sluice.orchestrator.batch.LocalTaskInvoker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The coordinator function's handler with a submission event over a prefix, on the local engines. */
@ExtendWith(LocalAwsExtension.class)
class BatchJobHandlerIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void handler_runsAPrefixJob_andAnswersWithTheReportItWroteToS3(LocalAws aws) throws Exception {
        // Arrange
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, "gmv-by-category");
             LocalTaskInvoker invoker = d.invoker(2)) {
            List<Order> orders = new ArrayList<>();
            OrdersGenerator.builder().records(300).seed(7).duration(Duration.ofMinutes(2)).build().forEach(orders::add);
            for (int i = 0; i < 3; i++) {
                StringBuilder lines = new StringBuilder();
                orders.subList(i * 100, i * 100 + 100).forEach(o -> lines.append(o.toJson()).append('\n'));
                d.put("orders/2020-11-11/part-" + i + ".jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
            }
            String event = "{\"jobId\":\"handler-1\",\"input\":{\"prefix\":\"s3://" + d.dataBucket
                    + "/orders/2020-11-11/\"},\"concurrency\":2}";
            // The batch function's reserved concurrency is 1 here: the job's 2 tasks in flight are capped at it
            BatchJobHandler handler = new BatchJobHandler(d.coordinator(invoker), "gmv-by-category",
                    d.config.resultsBucket(), null).withConcurrencyCap(1);

            // Act
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);

            // Assert
            JsonNode report = JSON.readTree(out.toByteArray());
            assertThat(report.path("completed").asBoolean()).isTrue();
            assertThat(report.path("jobPipeline").asText()).isEqualTo("gmv-by-category-handler-1");
            assertThat(report.path("tasks").asInt()).isEqualTo(3);
            assertThat(report.path("failed").asInt()).isZero();
            assertThat(report.path("linesIn").asLong()).isEqualTo(300);
            assertThat(report.path("watermark").asText()).isEqualTo("+infinity");
            assertThat(report.path("taskStatus")).allMatch(t -> t.path("status").asText().equals("SUCCEEDED"));
            String key = "batch-reports/handler-1/report.json";
            assertThat(d.results(key).get(key)).isEqualTo(out.toString(StandardCharsets.UTF_8));
            assertThat(d.results("results/gmv-by-category-handler-1/")).isNotEmpty();
            assertThat(JSON.readTree(d.jobs().readJob("handler-1").orElseThrow().request()).path("concurrency")
                    .asInt()).as("the job ran capped at the function's reserved concurrency").isEqualTo(1);
        }
    }

    @Test
    void scheduledSweep_resumesAnOpenJobWhoseCoordinatorIsGone_andNeverACompletedOne(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, "gmv-by-category");
             LocalTaskInvoker invoker = d.invoker(2)) {
            d.put("orders/a.jsonl", (new Order("o-1", "u-1", "c-1", 1999, 1_605_052_800_123L).toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            String request = "{\"jobId\":\"sweep-1\",\"input\":{\"prefix\":\"s3://" + d.dataBucket
                    + "/orders/\"}}";
            var coordinator = d.coordinator(invoker);
            var spec = io.sluice.orchestrator.batch.JobRequest.parse(JSON.readTree(request), "gmv-by-category",
                    d.config.resultsBucket());
            // A coordinator that reached its deadline at once (and whose hand-over was lost): the job stays open
            assertThat(coordinator.submit(spec, java.time.Instant.now()).completed()).isFalse();
            BatchJobHandler handler = new BatchJobHandler(coordinator, "gmv-by-category", d.config.resultsBucket(),
                    null, d.jobs());
            String scheduled = "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"}";

            ByteArrayOutputStream swept = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(scheduled.getBytes(StandardCharsets.UTF_8)), swept, null);
            assertThat(JSON.readTree(swept.toByteArray()).path("resumed")).extracting(JsonNode::asText)
                    .containsExactly("sweep-1");

            // The stored request resumes the job (as the sweep's invocation would)
            String stored = d.jobs().readJob("sweep-1").orElseThrow().request();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(stored.getBytes(StandardCharsets.UTF_8)), out, null);
            assertThat(JSON.readTree(out.toByteArray()).path("completed").asBoolean()).isTrue();

            ByteArrayOutputStream again = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(scheduled.getBytes(StandardCharsets.UTF_8)), again, null);
            assertThat(JSON.readTree(again.toByteArray()).path("resumed").size()).isZero();
        }
    }
}

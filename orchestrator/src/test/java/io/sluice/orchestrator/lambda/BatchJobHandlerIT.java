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
            BatchJobHandler handler = new BatchJobHandler(d.coordinator(invoker), "gmv-by-category",
                    d.config.resultsBucket(), null);

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
        }
    }
}

package io.sluice.functions.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.runtime.RunMetrics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EmfMetricsTest {

    @Test
    void emit_writesOneEmbeddedMetricFormatLine_declaringEveryValueItCarries() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmfMetrics emf = new EmfMetrics("Sluice", "gmv-total", "operator", new PrintStream(out, true, StandardCharsets.UTF_8));

        emf.emit(new RunMetrics(), 2, 1_500, 37, 1_605_052_800_000L);

        JsonNode line = JsonMapper.builder().build().readTree(out.toString(StandardCharsets.UTF_8).strip());
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(1_605_052_800_000L);
        assertThat(directive.path("Dimensions").get(0)).extracting(JsonNode::asText).containsExactly("Pipeline", "Function");
        List<String> declared = new ArrayList<>();
        directive.path("Metrics").forEach(m -> declared.add(m.path("Name").asText()));
        assertThat(declared).contains("RecordsIn", "RecordsOut", "DeadLetters", "Late", "WatermarkLag", "BatchDuration",
                "StateWrites", "ConditionalCheckReplays");
        declared.forEach(name -> assertThat(line.has(name)).as(name).isTrue());
        assertThat(line.path("DeadLetters").asLong()).isEqualTo(2);
        assertThat(line.path("WatermarkLag").asLong()).isEqualTo(1_500);
        assertThat(line.path("Pipeline").asText()).isEqualTo("gmv-total");
    }

    @Test
    void emit_leavesOutTheWatermarkLag_whenTheWatermarkIsUnknown() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmfMetrics emf = new EmfMetrics("Sluice", "gmv-total", "batch", new PrintStream(out, true, StandardCharsets.UTF_8));

        String text = emf.emit(new RunMetrics(), 0, -1, 5, 0);

        assertThat(JsonMapper.builder().build().readTree(text).has("WatermarkLag")).isFalse();
    }

    @Test
    void emit_carriesARegisteredCounter_asItsDifferenceSinceTheLastLine() throws Exception {
        java.util.concurrent.atomic.AtomicLong inBulk = new java.util.concurrent.atomic.AtomicLong(900);
        EmfMetrics emf = new EmfMetrics("Sluice", "gmv-total", "operator",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .withCounter("DeadLettersInBulk", inBulk::get);
        JsonMapper json = JsonMapper.builder().build();

        JsonNode first = json.readTree(emf.emit(new RunMetrics(), 0, -1, 5, 0));
        inBulk.addAndGet(50);
        JsonNode second = json.readTree(emf.emit(new RunMetrics(), 0, -1, 5, 0));

        assertThat(first.path("DeadLettersInBulk").asLong()).isEqualTo(900);
        assertThat(second.path("DeadLettersInBulk").asLong()).isEqualTo(50);
        assertThat(second.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").findValuesAsText("Name"))
                .contains("DeadLettersInBulk");
    }
}

package io.sluice.orchestrator.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The nightly check in {@code template.yaml}: schedule, archive wiring, alarms on the metric it emits, least privilege. */
class NightlyTemplateTest {

    private final Template template = Template.load(Template.locate(), TemplateOptions.local());
    private final JsonNode nightly = template.resource("NightlyCheckFunction").orElseThrow().properties();

    @Test
    void theOperatorArchivesIntoTheBucketTheNightlyJobReads_andTheScheduleRunsAfterMidnight() {
        JsonNode operatorVars = template.resource("OperatorFunction").orElseThrow().properties()
                .path("Environment").path("Variables");
        JsonNode vars = nightly.path("Environment").path("Variables");
        assertThat(operatorVars.path(HandlerConfig.ARCHIVE_BUCKET).toString()).contains("DataBucket");
        assertThat(vars.path(HandlerConfig.ARCHIVE_BUCKET)).isEqualTo(operatorVars.path(HandlerConfig.ARCHIVE_BUCKET));
        assertThat(vars.path(HandlerConfig.RESULTS_TABLE)).isEqualTo(operatorVars.path(HandlerConfig.RESULTS_TABLE));
        assertThat(vars.path(HandlerConfig.PIPELINE)).isEqualTo(operatorVars.path(HandlerConfig.PIPELINE));
        assertThat(nightly.path("Events").path("Nightly").path("Properties").path("Schedule").asText())
                .isEqualTo("cron(0 1 * * ? *)");
        assertThat(template.resource("OperatorRole").orElseThrow().properties().path("Policies").toString())
                .contains("RawArchive", "archive/*");
    }

    @Test
    void alarms_watchTheMetricsTheJobEmits_onDifferences_lateness_andErrors() throws Exception {
        NightlyJob job = new NightlyJob(null, null, null, "gmv-by-category", "a", "r",
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), null);
        JsonNode emf = new ObjectMapper().readTree(job.emf(new ConsistencyReport("2026-11-10", "gmv-by-category",
                "gmv-by-category-nightly-2026-11-10", 3, 1, 9, 0, new ObjectMapper().createArrayNode())));
        JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
        for (String alarmId : List.of("NightlyDifferencesAlarm", "NightlyLateAlarm")) {
            JsonNode alarm = template.resource(alarmId).orElseThrow().properties();
            assertThat(alarm.path("Namespace").asText()).as(alarmId).isEqualTo(directive.path("Namespace").asText());
            assertThat(directive.path("Metrics").findValuesAsText("Name")).contains(alarm.path("MetricName").asText());
            assertThat(alarm.path("Dimensions").get(0).path("Name").asText())
                    .isEqualTo(directive.path("Dimensions").get(0).get(0).asText());
            assertThat(emf.has(alarm.path("MetricName").asText())).isTrue();
        }
        JsonNode late = template.resource("NightlyLateAlarm").orElseThrow().properties();
        assertThat(late.path("TreatMissingData").asText()).isEqualTo("breaching");
        assertThat(late.path("Period").asInt() * late.path("EvaluationPeriods").asInt()).isEqualTo(86_400);
        assertThat(template.resource("NightlyErrorsAlarm").orElseThrow().properties().path("Dimensions").toString())
                .contains("NightlyCheckFunction");
    }

    @Test
    void policy_namesActionsAndResources_readsOnlyTheArchive_andNeverDeletesObjects() {
        List<String> actions = new ArrayList<>();
        nightly.path("Policies").findValues("Action").forEach(a -> a.forEach(x -> actions.add(x.asText())));
        assertThat(actions).isNotEmpty().noneMatch(a -> a.contains("*"))
                .doesNotContain("s3:DeleteObject", "dynamodb:Scan", "dynamodb:DeleteTable");
        assertThat(nightly.path("Policies").toString()).contains("${DataBucket.Arn}/archive/*")
                .doesNotContain("${DataBucket.Arn}/*\"");
    }
}

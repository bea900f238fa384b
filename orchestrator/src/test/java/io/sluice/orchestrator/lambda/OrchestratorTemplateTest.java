package io.sluice.orchestrator.lambda;

import io.sluice.orchestrator.scaling.ScalerSettings;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.infra.template.TemplateResource;
import io.sluice.orchestrator.batch.JobInput;
import io.sluice.orchestrator.batch.JobSpec;
import io.sluice.orchestrator.scaling.ActuationReport;
import io.sluice.orchestrator.scaling.ScalingLoop;
import io.sluice.orchestrator.scaling.ScalingPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code template.yaml}'s orchestrator functions against this module's handlers and the batch function's wiring. */
class OrchestratorTemplateTest {

    private static Template template;
    private static List<TemplateResource> functions;

    @BeforeAll
    static void load() {
        template = Template.load(Template.locate(), TemplateOptions.local());
        functions = template.resources().stream().filter(r -> r.type().equals("AWS::Serverless::Function"))
                .filter(r -> r.properties().path("CodeUri").asText().startsWith("orchestrator/")).toList();
    }

    @Test
    void everyOrchestratorFunction_isAnExistingHandler_inTheShadedJar() throws Exception {
        assertThat(functions).extracting(TemplateResource::logicalId)
                .contains("ShardScalerFunction", "BatchCoordinatorFunction");
        String pom = Files.readString(Template.locate().getParent().resolve("orchestrator/pom.xml"));
        for (TemplateResource f : functions) {
            String handler = f.properties().path("Handler").asText();
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
            assertThat(RequestHandler.class.isAssignableFrom(type) || RequestStreamHandler.class.isAssignableFrom(type))
                    .as(handler).isTrue();
            assertThat(type.getConstructor()).isNotNull();
            assertThat(f.properties().path("CodeUri").asText()).isEqualTo("orchestrator/target/sluice-orchestrator.jar");
        }
        assertThat(pom).contains("<finalName>sluice-orchestrator</finalName>");
    }

    @Test
    void coordinator_getsTheBatchFunctionsVariables_plusItsFunctionAndOutcomeQueue() throws IOException {
        JsonNode vars = template.resource("BatchCoordinatorFunction").orElseThrow().properties()
                .path("Environment").path("Variables");
        List<String> names = new ArrayList<>();
        vars.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsAll(HandlerConfig.REQUIRED)
                .contains(BatchJobHandler.BATCH_FUNCTION, BatchJobHandler.RESULTS_QUEUE);
        JsonNode batchVars = template.resource("BatchFunction").orElseThrow().properties()
                .path("Environment").path("Variables");
        // Same pipeline, tables and sinks as the batch function: the coordinator fires what the tasks wrote.
        for (Iterator<String> it = batchVars.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            assertThat(vars.path(name)).as(name).isEqualTo(batchVars.path(name));
        }
    }

    @Test
    void batchFunctionsAsynchronousOutcomes_goToTheCoordinatorsQueue_withoutLambdaRetries() {
        JsonNode config = template.resources().stream()
                .filter(r -> r.type().equals("AWS::Lambda::EventInvokeConfig")).findFirst().orElseThrow().properties();
        assertThat(config.path("MaximumRetryAttempts").asInt(-1)).isZero();
        assertThat(config.path("DestinationConfig").path("OnSuccess").path("Destination").toString())
                .contains("BatchResultsQueue");
        assertThat(config.path("DestinationConfig").path("OnFailure").path("Destination").toString())
                .contains("BatchResultsQueue");
        assertThat(template.resource("BatchFunction").orElseThrow().properties().path("Policies").toString())
                .contains("BatchResultsQueue");
    }

    @Test
    void coordinator_hasAnOnFailureDestination_anAlarmOnIt_andASweepSchedule() {
        JsonNode config = template.resources().stream()
                .filter(r -> r.type().equals("AWS::Lambda::EventInvokeConfig"))
                .filter(r -> r.properties().path("FunctionName").toString().contains("BatchCoordinatorFunction"))
                .findFirst().orElseThrow().properties();
        assertThat(config.path("DestinationConfig").path("OnFailure").path("Destination").toString())
                .contains("BatchCoordinatorFailuresQueue");
        JsonNode alarm = template.resource("BatchCoordinatorFailuresAlarm").orElseThrow().properties();
        assertThat(alarm.path("Dimensions").toString()).contains("BatchCoordinatorFailuresQueue");
        JsonNode coordinator = template.resource("BatchCoordinatorFunction").orElseThrow().properties();
        assertThat(coordinator.path("Events").path("SweepUnfinishedJobs").path("Properties").path("Schedule").asText())
                .startsWith("rate(");
        assertThat(coordinator.path("Policies").toString()).contains("BatchCoordinatorFailuresQueue");
        // A task attempt waits at most a minute for its start: the coordinator's 16-minute task timeout covers it.
        JsonNode tasks = template.resources().stream().filter(r -> r.type().equals("AWS::Lambda::EventInvokeConfig"))
                .findFirst().orElseThrow().properties();
        assertThat(tasks.path("MaximumEventAgeInSeconds").asInt()).isLessThanOrEqualTo(60);
    }

    /**
     * Issue 17: queued task invocations cannot pile up. The batch function has a reserved concurrency, the coordinator
     * caps each job at the same number, and an attempt's longest life (its event age, then the function's timeout)
     * ends within the coordinator's task timeout, so an answer never comes after the attempt was given up.
     */
    @Test
    void batchFunction_hasAReservedConcurrency_theCoordinatorCapsJobsAtIt_andAnAttemptEndsWithinTheTaskTimeout() {
        JsonNode batch = template.resource("BatchFunction").orElseThrow().properties();
        JsonNode reserved = batch.path("ReservedConcurrentExecutions");
        assertThat(reserved.path("Ref").asText()).isEqualTo("BatchConcurrency");
        int concurrency = template.resolve(reserved).asInt();
        assertThat(concurrency).isBetween(1, 900); // Lambda keeps 100 of the account's 1,000 unreserved
        JsonNode coordinatorVars = template.resource("BatchCoordinatorFunction").orElseThrow().properties()
                .path("Environment").path("Variables");
        assertThat(coordinatorVars.path(BatchJobHandler.BATCH_CONCURRENCY)).isEqualTo(reserved);

        JsonNode tasks = template.resources().stream().filter(r -> r.type().equals("AWS::Lambda::EventInvokeConfig"))
                .filter(r -> r.properties().path("FunctionName").toString().contains("\"BatchFunction\""))
                .findFirst().orElseThrow().properties();
        long eventAge = tasks.path("MaximumEventAgeInSeconds").asLong();
        long timeout = batch.path("Timeout").asLong();
        Duration taskTimeout = JobSpec.of("j", "p", JobInput.prefix("b", "p/"), "b", "").taskTimeout();
        assertThat(eventAge).isPositive();
        assertThat(Duration.ofSeconds(eventAge + timeout)).isLessThanOrEqualTo(taskTimeout);
    }

    @Test
    void scaler_readsTheOperatorsLoad_fromTheTableThePipelineWritesTo_withReadAndPutOnly() {
        JsonNode scaler = template.resource("ShardScalerFunction").orElseThrow().properties();
        JsonNode vars = scaler.path("Environment").path("Variables");
        JsonNode operatorVars = template.resource("OperatorFunction").orElseThrow().properties().path("Environment").path("Variables");
        // The scaler must read the very table and pipeline name the operator writes its shard load under.
        assertThat(vars.path(ScalerSettings.COORDINATION_TABLE)).isEqualTo(operatorVars.path(HandlerConfig.COORDINATION_TABLE));
        assertThat(vars.path(ScalerSettings.PIPELINE)).isEqualTo(operatorVars.path(HandlerConfig.PIPELINE));
        JsonNode statement = null;
        for (JsonNode s : scaler.path("Policies").findValues("Statement").get(0)) {
            if (s.path("Resource").toString().contains("CoordinationTable")) {
                statement = s;
            }
        }
        assertThat(statement).as("a statement on the coordination table").isNotNull();
        List<String> actions = new ArrayList<>();
        statement.path("Action").forEach(a -> actions.add(a.asText()));
        assertThat(actions).containsExactlyInAnyOrder("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem");
    }

    @Test
    void scalerFailuresAlarm_watchesTheMetricTheHandlerEmits() throws Exception {
        JsonNode alarm = template.resource("ShardScalerFailuresAlarm").orElseThrow().properties();
        ShardScalerHandler handler = new ShardScalerHandler(null, Clock.systemUTC());
        JsonNode emf = new ObjectMapper().readTree(handler.emf(new ScalingLoop.Tick(
                new ScalingPlan(Instant.EPOCH, 2, 1.0, List.of(), "hold"), new ActuationReport(List.of()), false)));
        JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);

        assertThat(alarm.path("Namespace").asText()).isEqualTo(directive.path("Namespace").asText());
        assertThat(directive.path("Metrics").findValuesAsText("Name")).contains(alarm.path("MetricName").asText());
        assertThat(alarm.path("Dimensions").get(0).path("Name").asText()).isEqualTo(directive.path("Dimensions").get(0).get(0).asText());
        assertThat(template.resources().stream().filter(r -> r.type().equals("AWS::CloudWatch::Alarm")).map(TemplateResource::logicalId))
                .contains("DeadLettersAlarm", "OperatorLagAlarm", "OperatorErrorsAlarm", "ShardScalerFailuresAlarm");
    }

    @Test
    void coordinatorPolicy_namesActionsAndResources_withoutWildcardActions() {
        JsonNode policies = template.resource("BatchCoordinatorFunction").orElseThrow().properties().path("Policies");
        List<String> actions = new ArrayList<>();
        policies.findValues("Action").forEach(a -> a.forEach(x -> actions.add(x.asText())));
        assertThat(actions).isNotEmpty().noneMatch(a -> a.contains("*"))
                .doesNotContain("s3:DeleteObject", "dynamodb:DeleteTable", "dynamodb:Scan");
        assertThat(policies.findValues("Resource")).noneMatch(r -> r.isTextual() && r.asText().equals("*"));
    }
}

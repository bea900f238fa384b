package io.sluice.functions.lambda;

import io.sluice.functions.wiring.HandlerConfig;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.infra.template.TemplateResource;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code template.yaml} against the code it deploys, read with the {@code infra} module's template reader: handler
 * classes exist, the variables the handlers read are set, the tables match the state store's single definition,
 * the package is the shaded jar, and IAM grants no wildcard action.
 */
class TemplateConsistencyTest {

    private static Template template;
    private static List<TemplateResource> functions;

    @BeforeAll
    static void load() {
        template = Template.load(Template.locate(), TemplateOptions.local());
        // Only the functions packaged from this module; other modules (orchestrator) check their own.
        functions = template.resources().stream().filter(r -> r.type().equals("AWS::Serverless::Function"))
                .filter(r -> r.properties().path("CodeUri").asText().startsWith("functions/")).toList();
    }

    @Test
    void everyHandlerOfThisModule_isAnExistingLambdaHandlerClass() throws Exception {
        assertThat(functions).extracting(TemplateResource::logicalId).contains("OperatorFunction", "BatchFunction");
        for (TemplateResource f : functions) {
            String handler = f.properties().path("Handler").asText();
            assertThat(handler).endsWith("::handleRequest");
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
            assertThat(RequestHandler.class.isAssignableFrom(type) || RequestStreamHandler.class.isAssignableFrom(type))
                    .as("%s is a Lambda handler", type.getName()).isTrue();
            assertThat(type.getConstructor()).as("%s has the no-argument constructor Lambda calls", type).isNotNull();
        }
    }

    @Test
    void everyFunction_setsTheVariablesTheHandlersRead_andNoOther() {
        for (TemplateResource f : functions) {
            Map<String, String> env = variables(f);
            assertThat(env.keySet()).as(f.logicalId()).containsAll(HandlerConfig.REQUIRED);
            assertThat(env.keySet().stream().filter(k -> k.startsWith("SLUICE_")))
                    .as(f.logicalId()).allMatch(HandlerConfig.ALL::contains);
            HandlerConfig config = HandlerConfig.from(env);
            assertThat(config.stateTable()).isEqualTo(template.physicalName("StateTable"));
            assertThat(config.coordinationTable()).isEqualTo(template.physicalName("CoordinationTable"));
        }
    }

    @Test
    void stateAndCoordinationTables_matchTheStateStoresDefinition() {
        for (String logicalId : List.of("StateTable", "CoordinationTable")) {
            JsonNode table = template.resource(logicalId).orElseThrow().properties();
            CreateTableRequest expected = StateTables.createTableRequest("any");
            assertThat(keySchema(table)).as(logicalId).isEqualTo(expected.keySchema().stream()
                    .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList());
            assertThat(attributes(table)).as(logicalId).isEqualTo(expected.attributeDefinitions().stream()
                    .map(a -> a.attributeName() + ":" + a.attributeTypeAsString()).toList());
            assertThat(table.path("BillingMode").asText()).isEqualTo(expected.billingModeAsString());
            assertThat(table.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo(StateTables.TTL);
            assertThat(table.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
            assertThat(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean())
                    .isTrue();
        }
        JsonNode results = template.resource("ResultsTable").orElseThrow().properties();
        assertThat(keySchema(results)).containsExactly("pk:HASH", "sk:RANGE");
        assertThat(results.path("TimeToLiveSpecification").path("AttributeName").asText())
                .isEqualTo(io.sluice.functions.io.dynamodb.DynamoDbResultsSink.TTL);
    }

    @Test
    void kinesisEvent_keepsParallelizationFactorOne_andReportsBatchItemFailures() {
        JsonNode event = template.resource("OperatorFunction").orElseThrow().properties()
                .path("Events").path("Orders").path("Properties");
        assertThat(event.path("ParallelizationFactor").asInt()).isEqualTo(1);
        assertThat(event.path("FunctionResponseTypes").toString()).contains("ReportBatchItemFailures");
        assertThat(event.path("BisectBatchOnFunctionError").asBoolean()).isTrue();
        assertThat(event.path("DestinationConfig").path("OnFailure").path("Type").asText()).isEqualTo("SQS");
    }

    @Test
    void everyFunctionOfThisModule_deploysTheShadedJar_withSnapStart() throws IOException {
        Path root = Template.locate().getParent();
        String pom = Files.readString(root.resolve("functions/pom.xml"));
        for (TemplateResource f : functions) {
            String codeUri = f.properties().path("CodeUri").asText();
            assertThat(codeUri).startsWith("functions/target/").endsWith(".jar");
            String jarName = codeUri.substring("functions/target/".length(), codeUri.length() - ".jar".length());
            assertThat(pom).as("the shade plugin writes %s", codeUri).contains("<finalName>" + jarName + "</finalName>");
            assertThat(f.properties().path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        }
    }

    @Test
    void noPolicy_grantsAWildcardAction() {
        List<String> actions = new ArrayList<>();
        for (TemplateResource r : template.resources()) {
            r.properties().findValues("Action").forEach(a -> {
                if (a.isArray()) {
                    a.forEach(x -> actions.add(r.logicalId() + ":" + x.asText()));
                } else {
                    actions.add(r.logicalId() + ":" + a.asText());
                }
            });
        }
        assertThat(actions).isNotEmpty().noneMatch(a -> a.endsWith("*"));
    }

    private static Map<String, String> variables(TemplateResource function) {
        Map<String, String> env = new TreeMap<>();
        JsonNode vars = template.resolve(function.properties().path("Environment").path("Variables"));
        vars.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static List<String> keySchema(JsonNode table) {
        List<String> out = new ArrayList<>();
        table.path("KeySchema").forEach(k -> out.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        return out;
    }

    private static List<String> attributes(JsonNode table) {
        List<String> out = new ArrayList<>();
        table.path("AttributeDefinitions").forEach(a -> out.add(a.path("AttributeName").asText() + ":"
                + a.path("AttributeType").asText()));
        return out;
    }

    /**
     * Issue 14: an alarm on a metric nobody emits never fires. Every alarm in the {@code Sluice} namespace on the
     * operator's or the firer's metrics (BatchesNotApplied, BatchesLost, WindowsFailed, ...) names a metric their EMF
     * line carries, with the same dimension names and the function's dimension value.
     */
    @Test
    void everySluiceAlarmOfTheseFunctions_watchesAMetricTheirEmfLineCarries() throws Exception {
        List<String> checked = new ArrayList<>();
        for (TemplateResource r : template.resources()) {
            if (!r.type().equals("AWS::CloudWatch::Alarm")) {
                continue;
            }
            for (JsonNode alarm : r.properties().findParents("MetricName")) {
                String namespace = alarm.path("Namespace").asText(r.properties().path("Namespace").asText());
                JsonNode dimensions = alarm.path("Dimensions");
                String function = null;
                List<String> names = new ArrayList<>();
                for (JsonNode d : dimensions) {
                    names.add(d.path("Name").asText());
                    if (d.path("Name").asText().equals("Function")) {
                        function = d.path("Value").asText();
                    }
                }
                if (!namespace.equals("Sluice") || !("operator".equals(function) || "firer".equals(function))) {
                    continue;
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                new EmfMetrics("Sluice", "gmv-by-category", function, new java.io.PrintStream(out, true))
                        .emit(new RunMetrics(), 0, 0, 0, 0);
                JsonNode directive = JsonMapper.builder().build().readTree(out.toString()).path("_aws")
                        .path("CloudWatchMetrics").get(0);
                assertThat(directive.path("Metrics").findValuesAsText("Name")).as(r.logicalId())
                        .contains(alarm.path("MetricName").asText());
                List<String> emitted = new ArrayList<>();
                directive.path("Dimensions").get(0).forEach(d -> emitted.add(d.asText()));
                assertThat(names).as(r.logicalId()).containsExactlyInAnyOrderElementsOf(emitted);
                checked.add(alarm.path("MetricName").asText());
            }
        }
        assertThat(checked).contains("BatchesNotApplied", "BatchesLost", "WindowsFailed");
    }
}

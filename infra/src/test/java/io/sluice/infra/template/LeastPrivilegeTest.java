package io.sluice.infra.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IAM roles as CloudFormation gets them, after SAM's transform ({@code .ci/sam_translate.py}, the
 * {@code samtranslator} module), against the SDK calls the deployed code makes.
 *
 * <p>Three checks pin each other: every function's Kinesis, DynamoDB, S3, SQS and Lambda actions equal
 * {@link #GRANTED}; every granted action is needed by a call in the sources of the jar the function deploys (or by
 * Lambda itself, {@link #USED_BY_LAMBDA}); every call in a jar's sources is granted to a function of that jar (or is
 * listed in {@link #NOT_DEPLOYED} with its reason). So a grant without a call, a call without a grant (AccessDenied on
 * AWS, never seen locally) and a changed grant all fail here. No statement names {@code *} or a resource outside the
 * template, and no managed policy brings data-plane access.
 */
class LeastPrivilegeTest {

    private static final Set<String> STATE = Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem",
            "dynamodb:BatchWriteItem");
    private static final Set<String> ESM_READ = Set.of("kinesis:DescribeStream", "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards");

    /** Per function, the data-plane actions its role allows. */
    static final Map<String, Set<String>> GRANTED = Map.of(
            // s3:DeleteObject: the raw archive removes what a longer failed attempt left (archive/* only).
            "OperatorFunction", union(STATE, ESM_READ, Set.of("s3:PutObject", "s3:DeleteObject", "sqs:SendMessage")),
            "FirerFunction", union(STATE, Set.of("s3:PutObject", "sqs:SendMessage")),
            "BatchFunction", union(STATE, Set.of("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                    "sqs:SendMessage")),
            "BatchCoordinatorFunction", union(STATE, Set.of("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
                    "s3:PutObject", "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                    "lambda:InvokeFunction")),
            "NightlyCheckFunction", union(STATE, Set.of("s3:GetObject", "s3:ListBucket", "s3:PutObject",
                    "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "lambda:InvokeFunction")),
            "DashboardFunction", Set.of("dynamodb:Query"),
            "ShardScalerFunction", Set.of("kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:SplitShard",
                    "kinesis:MergeShards", "kinesis:UpdateShardCount", "dynamodb:BatchGetItem", "dynamodb:GetItem",
                    "dynamodb:PutItem"));

    /** Actions Lambda itself performs with the function's role, no line of our code calls them. */
    static final Map<String, Set<String>> USED_BY_LAMBDA = Map.of(
            "OperatorFunction", ESM_READ);

    /** Calls in the code that no deployed function makes, and why. */
    static final Map<String, String> NOT_DEPLOYED = Map.of(
            "kinesis:PutRecords", "KinesisOutputSink, the optional output stream (SLUICE_OUTPUT_STREAM), is not in the template",
            "s3:DeleteObject", "RawArchive runs in the operator only (granted there on archive/*); the orchestrator jar "
                    + "contains the class and never archives");

    /** Per jar, calls of code the jar carries but none of its functions runs, and why. */
    static final Map<String, Map<String, String>> NOT_RUN_IN_JAR = Map.of(
            "functions", Map.of(
                    "sqs:ReceiveMessage", "OnFailureQueue runs in `sluice replay` (the CLI, with the operator's "
                            + "environment and the caller's credentials), in no function",
                    "sqs:DeleteMessage", "OnFailureQueue runs in `sluice replay`, in no function"),
            "orchestrator", Map.of(
                    "kinesis:GetShardIterator", "the operator's ShardGapFiller (functions code); no orchestrator function reads the stream",
                    "kinesis:GetRecords", "the operator's ShardGapFiller (functions code); no orchestrator function reads the stream"));

    /** IAM action -> the SDK v2 method calls that need it (transaction items included). */
    static final Map<String, List<String>> CALLS = new TreeMap<>(Map.ofEntries(
            Map.entry("dynamodb:GetItem", List.of("getItem")),
            Map.entry("dynamodb:PutItem", List.of("putItem")),
            Map.entry("dynamodb:UpdateItem", List.of("updateItem")),
            Map.entry("dynamodb:DeleteItem", List.of("deleteItem")),
            Map.entry("dynamodb:Query", List.of("query", "queryPaginator")),
            Map.entry("dynamodb:Scan", List.of("scan", "scanPaginator")),
            Map.entry("dynamodb:BatchGetItem", List.of("batchGetItem")),
            Map.entry("dynamodb:BatchWriteItem", List.of("batchWriteItem")),
            Map.entry("dynamodb:ConditionCheckItem", List.of("conditionCheck")),
            Map.entry("s3:GetObject", List.of("getObject", "headObject")),
            Map.entry("s3:GetObjectVersion", List.of("getObject", "headObject")),
            Map.entry("s3:ListBucket", List.of("listObjectsV2", "listObjectsV2Paginator")),
            Map.entry("s3:PutObject", List.of("putObject")),
            Map.entry("s3:DeleteObject", List.of("deleteObject")),
            Map.entry("sqs:SendMessage", List.of("sendMessage", "sendMessageBatch")),
            Map.entry("sqs:ReceiveMessage", List.of("receiveMessage")),
            Map.entry("sqs:DeleteMessage", List.of("deleteMessage", "deleteMessageBatch")),
            Map.entry("kinesis:ListShards", List.of("listShards")),
            // The operator reads back a range the event source mapping gave up on (ShardGapFiller).
            Map.entry("kinesis:GetShardIterator", List.of("getShardIterator")),
            Map.entry("kinesis:GetRecords", List.of("getRecords")),
            Map.entry("kinesis:DescribeStreamSummary", List.of("describeStreamSummary")),
            Map.entry("kinesis:SplitShard", List.of("splitShard")),
            Map.entry("kinesis:MergeShards", List.of("mergeShards")),
            Map.entry("kinesis:UpdateShardCount", List.of("updateShardCount")),
            Map.entry("kinesis:PutRecords", List.of("putRecords")),
            Map.entry("kinesis:PutRecord", List.of("putRecord")),
            Map.entry("lambda:InvokeFunction", List.of("invoke"))));

    /** The modules a shaded jar contains (each module's pom depends on the next ones). */
    private static final Map<String, List<String>> JAR_MODULES = Map.of(
            "functions", List.of("functions", "state-store"),
            "orchestrator", List.of("orchestrator", "functions", "state-store"),
            "dashboard", List.of("dashboard"));

    private static final Set<String> SERVICES = Set.of("dynamodb", "s3", "sqs", "kinesis", "lambda");
    private static final Pattern SDK_IMPORT = Pattern.compile("import software\\.amazon\\.awssdk\\.services\\.(\\w+)\\.");

    private static Path root;
    private static JsonNode resources;

    @BeforeAll
    static void transform() throws Exception {
        root = Template.locate().getParent();
        resources = new ObjectMapper().readTree(samTranslate(root)).path("Resources");
    }

    @Test
    void everyFunctionsRole_allowsExactlyItsPinnedActions() {
        Map<String, Set<String>> actual = new TreeMap<>();
        functions().forEach((fn, role) -> actual.put(fn, dataActions(role)));
        assertThat(actual).isEqualTo(new TreeMap<>(GRANTED));
    }

    @Test
    void everyGrantedAction_isCalledByTheCodeOfTheFunctionsJar_orUsedByLambda() throws IOException {
        for (Map.Entry<String, String> e : codeModules().entrySet()) {
            Set<String> called = calledActions(JAR_MODULES.get(e.getValue()));
            Set<String> needed = union(called, USED_BY_LAMBDA.getOrDefault(e.getKey(), Set.of()));
            assertThat(GRANTED.get(e.getKey())).as("%s grants only what its code (or Lambda) uses", e.getKey())
                    .isSubsetOf(needed);
        }
    }

    @Test
    void everySdkCallOfAJar_isGrantedToAFunctionOfThatJar() throws IOException {
        Map<String, Set<String>> grantedByJar = new TreeMap<>();
        codeModules().forEach((fn, module) ->
                grantedByJar.computeIfAbsent(module, m -> new TreeSet<>()).addAll(GRANTED.get(fn)));
        for (Map.Entry<String, Set<String>> jar : grantedByJar.entrySet()) {
            Set<String> called = new TreeSet<>(calledActions(JAR_MODULES.get(jar.getKey())));
            called.removeAll(NOT_DEPLOYED.keySet());
            called.removeAll(NOT_RUN_IN_JAR.getOrDefault(jar.getKey(), Map.of()).keySet());
            assertThat(jar.getValue()).as("the %s jar's SDK calls are granted to one of its functions", jar.getKey())
                    .containsAll(called);
        }
    }

    @Test
    void noDataStatement_namesAWildcardOrAResourceOutsideTheTemplate() {
        for (JsonNode statement : allStatements()) {
            boolean data = strings(statement.path("Action")).stream().anyMatch(a -> SERVICES.contains(a.split(":")[0]));
            if (!data) {
                continue;
            }
            for (JsonNode resource : list(statement.path("Resource"))) {
                String text = resource.toString();
                assertThat(text).as("statement %s", statement.path("Sid")).isNotEqualTo("\"*\"")
                        .matches(".*(GetAtt|\"Ref\"|\\$\\{[A-Z][A-Za-z]+\\.Arn}|function:sluice-\\$\\{Stage}).*");
                if (text.contains("ResultsBucket.Arn}/")) {
                    assertThat(text).as("results objects by prefix").matches(
                            ".*ResultsBucket\\.Arn}/(results|late|dead-letters|batch-reports)/\\*.*");
                }
            }
        }
    }

    @Test
    void noRole_getsAManagedPolicyWithDataAccess() {
        for (JsonNode role : roles()) {
            for (JsonNode arn : list(role.path("Properties").path("ManagedPolicyArns"))) {
                assertThat(arn.toString()).matches(".*policy/(service-role/AWSLambdaBasicExecutionRole|AWSXrayWriteOnlyAccess)\"?}?");
            }
        }
    }

    @Test
    void batchOperationsRole_canOnlyBeAssumedByJobsOfThisAccount() {
        JsonNode trust = resources.path("BatchOperationsRole").path("Properties").path("AssumeRolePolicyDocument")
                .path("Statement").get(0);
        assertThat(trust.path("Principal").path("Service").asText()).isEqualTo("batchoperations.s3.amazonaws.com");
        assertThat(trust.path("Condition").path("StringEquals").path("aws:SourceAccount").toString())
                .contains("AWS::AccountId");
    }

    // ---- the transformed template

    private static String samTranslate(Path root) throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", "import samtranslator").redirectErrorStream(true).start();
        boolean present = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
        assumeTrue(present || System.getenv("CI") != null,
                "python3 with samtranslator (pip install aws-sam-translator) is needed; CI has it");
        Process p = new ProcessBuilder("python3", root.resolve(".ci/sam_translate.py").toString(),
                root.resolve("template.yaml").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("sam_translate.py exit code").isZero();
        return out;
    }

    /** Function logical id -> its role resource. */
    private static Map<String, JsonNode> functions() {
        Map<String, JsonNode> out = new TreeMap<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Lambda::Function")) {
                String role = e.getValue().path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
                out.put(e.getKey(), resources.path(role));
            }
        });
        return out;
    }

    /** Function logical id -> the module whose jar it deploys. */
    private static Map<String, String> codeModules() {
        Map<String, String> out = new TreeMap<>();
        Template.load(Template.locate(), TemplateOptions.local()).resources().stream()
                .filter(r -> r.type().equals("AWS::Serverless::Function"))
                .forEach(r -> out.put(r.logicalId(), r.properties().path("CodeUri").asText().split("/")[0]));
        assertThat(JAR_MODULES).containsKeys(out.values().toArray(String[]::new));
        return out;
    }

    private static List<JsonNode> roles() {
        List<JsonNode> out = new ArrayList<>();
        resources.forEach(r -> {
            if (r.path("Type").asText().equals("AWS::IAM::Role")) {
                out.add(r);
            }
        });
        return out;
    }

    private static List<JsonNode> statements(JsonNode role) {
        List<JsonNode> out = new ArrayList<>();
        role.path("Properties").path("Policies").forEach(p -> out.addAll(list(p.path("PolicyDocument").path("Statement"))));
        return out;
    }

    private static List<JsonNode> allStatements() {
        return roles().stream().flatMap(r -> statements(r).stream()).toList();
    }

    private static Set<String> dataActions(JsonNode role) {
        Set<String> out = new TreeSet<>();
        for (JsonNode s : statements(role)) {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            strings(s.path("Action")).stream().filter(a -> SERVICES.contains(a.split(":")[0])).forEach(out::add);
        }
        return out;
    }

    // ---- the code

    /** The IAM actions the SDK calls in these modules' main sources need. */
    static Set<String> calledActions(List<String> modules) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String module : modules) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    out.addAll(actionsIn(Files.readString(f)));
                }
            }
        }
        return out;
    }

    /** A call counts when its file imports the service's SDK package (so {@code store.query(..)} is no DynamoDB call). */
    static Set<String> actionsIn(String source) {
        Set<String> services = new TreeSet<>();
        SDK_IMPORT.matcher(source).results().forEach(m -> services.add(m.group(1)));
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Set<String> out = new TreeSet<>();
        CALLS.forEach((action, methods) -> {
            if (services.contains(action.split(":")[0])
                    && methods.stream().anyMatch(m -> Pattern.compile("\\." + m + "\\(").matcher(code).find())) {
                out.add(action);
            }
        });
        return out;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (!node.isMissingNode()) {
            out.add(node);
        }
        return out;
    }

    private static List<String> strings(JsonNode node) {
        return list(node).stream().map(JsonNode::asText).toList();
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> out = new TreeSet<>();
        for (Set<String> s : sets) {
            out.addAll(s);
        }
        return out;
    }
}

package io.sluice.infra.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a reviewer of {@code template.yaml} asks for (issue 14): names that fit, logs that expire, raw records that
 * expire, data that survives or goes on purpose, and outputs that say what they are.
 */
class TemplateReviewTest {

    /** The longest region names AWS uses today (14 characters); the account id is always 12 digits. */
    private static final String LONGEST_REGION = "ap-southeast-2";

    private static JsonNode root;

    @BeforeAll
    static void read() throws IOException {
        root = CfnYaml.read(Files.readString(Template.locate()));
    }

    @Test
    void everyBucketName_fitsS3s63Characters_atTheLongestStage() {
        JsonNode stage = root.path("Parameters").path("Stage");
        int max = stage.path("MaxLength").asInt();
        String longest = "s".repeat(max);
        assertThat(longest).matches(stage.path("AllowedPattern").asText());
        Template t = Template.load(Template.locate(), new TemplateOptions("sluice", LONGEST_REGION, "123456789012",
                Map.of("Stage", longest)));

        for (TemplateResource r : t.resources()) {
            if (r.type().equals("AWS::S3::Bucket")) {
                assertThat(t.physicalName(r.logicalId())).as(r.logicalId()).hasSizeLessThanOrEqualTo(63);
            }
        }
        assertThat("-x-".matches(stage.path("AllowedPattern").asText())).as("no leading or trailing hyphen").isFalse();
    }

    @Test
    void aParameterValueCloudFormationWouldRefuse_isRefusedLocallyToo() {
        for (Map.Entry<String, String> bad : Map.of("Stage", "a-stage-name-too-long", "Pipeline", "Has Spaces",
                "ShardCount", "0", "LogLevel", "LOUD").entrySet()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Template.load(Template.locate(),
                            TemplateOptions.local().withParameter(bad.getKey(), bad.getValue())))
                    .as(bad.getKey()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.getKey());
        }
        assertThat(Template.load(Template.locate(), TemplateOptions.local().withParameter("Stage", "esm-abcde"))
                .physicalName("OrdersStream")).isEqualTo("sluice-esm-abcde-orders");
    }

    @Test
    void pipeline_isNotLockedToTheBuiltIns_andAUsersLayerIsAParameter() {
        JsonNode pipeline = root.path("Parameters").path("Pipeline");
        assertThat(pipeline.has("AllowedValues")).isFalse();
        assertThat("acme-sales-by-shop").matches(pipeline.path("AllowedPattern").asText());
        assertThat(root.path("Parameters").has("PipelinesLayerArn")).isTrue();
    }

    @Test
    void everyFunction_logsJsonAtAParameterisedLevel_intoItsOwnLogGroupWithRetention() {
        JsonNode logging = root.path("Globals").path("Function").path("LoggingConfig");
        assertThat(logging.path("LogFormat").asText()).isEqualTo("JSON");
        assertThat(logging.path("ApplicationLogLevel").toString()).contains("LogLevel");
        for (Map.Entry<String, JsonNode> fn : resources("AWS::Serverless::Function")) {
            String group = fn.getValue().path("Properties").path("LoggingConfig").path("LogGroup").path("Ref").asText();
            JsonNode logGroup = root.path("Resources").path(group);
            assertThat(logGroup.path("Type").asText()).as(fn.getKey()).isEqualTo("AWS::Logs::LogGroup");
            assertThat(logGroup.path("Properties").path("RetentionInDays").toString()).contains("LogRetentionDays");
            assertThat(fn.getValue().path("Properties").path("SnapStart").path("ApplyOn").asText()).as(fn.getKey())
                    .isEqualTo("PublishedVersions");
        }
    }

    @Test
    void lateAndDeadLetterObjects_expireLikeRawInput() {
        List<String> prefixes = new ArrayList<>();
        root.path("Resources").path("ResultsBucket").path("Properties").path("LifecycleConfiguration").path("Rules")
                .forEach(rule -> {
                    assertThat(rule.path("ExpirationInDays").toString()).contains("RetentionDays");
                    prefixes.add(rule.path("Prefix").asText());
                });
        assertThat(prefixes).containsExactlyInAnyOrder("late/", "dead-letters/");
    }

    @Test
    void streamAndQueues_sayWhatHappensToThemWhenTheStackGoes() {
        for (String type : List.of("AWS::Kinesis::Stream", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket")) {
            for (Map.Entry<String, JsonNode> r : resources(type)) {
                assertThat(r.getValue().path("DeletionPolicy").asText()).as(r.getKey()).isIn("Delete", "Retain");
                assertThat(r.getValue().path("UpdateReplacePolicy").asText()).as(r.getKey()).isIn("Delete", "Retain");
            }
        }
        assertThat(root.path("Resources").path("DeadLetterQueue").path("DeletionPolicy").asText()).isEqualTo("Retain");
    }

    @Test
    void everyOutput_hasADescription() {
        root.path("Outputs").fields().forEachRemaining(o ->
                assertThat(o.getValue().path("Description").asText()).as(o.getKey()).isNotBlank());
    }

    private static List<Map.Entry<String, JsonNode>> resources(String type) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        root.path("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                out.add(e);
            }
        });
        return out;
    }

    /**
     * Issue 14: the README's deploy path ({@code mvn ... package} then {@code sam deploy}, no {@code sam build}) and
     * samconfig.toml's comment build every jar a {@code CodeUri} names with one command: each CodeUri's module is in
     * the command's {@code -pl} list and its shade plugin writes that file name.
     */
    @Test
    void theReadmesBuildCommand_andSamconfigs_buildEveryCodeUri() throws IOException {
        java.nio.file.Path repo = Template.locate().getParent();
        List<String> commands = new ArrayList<>();
        for (String file : List.of("README.md", "samconfig.toml")) {
            Files.readString(repo.resolve(file)).lines()
                    .filter(l -> l.contains("mvn ") && l.contains(" package") && l.contains("-pl "))
                    .forEach(commands::add);
        }
        assertThat(commands).hasSizeGreaterThanOrEqualTo(2);
        List<String> codeUris = new ArrayList<>();
        root.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Serverless::Function")) {
                codeUris.add(r.path("Properties").path("CodeUri").asText());
            }
        });
        assertThat(codeUris).isNotEmpty().allMatch(u -> u.matches("[a-z-]+/target/[a-z-]+\\.jar"));
        for (String command : commands) {
            java.util.regex.Matcher pl = java.util.regex.Pattern.compile("-pl ([a-z,-]+)").matcher(command);
            assertThat(pl.find()).as(command).isTrue();
            List<String> modules = List.of(pl.group(1).split(","));
            assertThat(command).as(command).contains(" -am ").doesNotContain("sam build");
            for (String uri : codeUris) {
                String module = uri.substring(0, uri.indexOf('/'));
                String jar = uri.substring(uri.lastIndexOf('/') + 1, uri.length() - ".jar".length());
                assertThat(modules).as("%s builds %s", command, uri).contains(module);
                assertThat(Files.readString(repo.resolve(module).resolve("pom.xml")))
                        .as("%s/pom.xml writes %s", module, uri).contains("<finalName>" + jar + "</finalName>");
            }
        }
    }
}

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
}

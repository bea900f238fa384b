package io.sluice.state.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** template.yaml deploys the tables {@link StateTables} defines: same keys, billing and TTL attribute. */
class StateTablesTemplateTest {

    private static JsonNode resource(String logicalId) throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("template.yaml in this or a parent directory").isNotNull();
        // Plain YAML reading ignores CloudFormation tags (!Sub ...), which only the table names use.
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("template.yaml").toFile());
        return template.path("Resources").path(logicalId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"StateTable", "CoordinationTable"})
    void template_declaresTheTableStateTablesDefines(String logicalId) throws Exception {
        JsonNode table = resource(logicalId);
        CreateTableRequest expected = StateTables.createTableRequest("any");
        JsonNode p = table.path("Properties");

        assertThat(table.path("Type").asText()).isEqualTo("AWS::DynamoDB::Table");
        assertThat(p.path("BillingMode").asText()).isEqualTo(expected.billingModeAsString());
        List<String> keys = new ArrayList<>();
        p.path("KeySchema").forEach(k -> keys.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        assertThat(keys).containsExactlyElementsOf(expected.keySchema().stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList());
        List<String> attributes = new ArrayList<>();
        p.path("AttributeDefinitions").forEach(a -> attributes.add(a.path("AttributeName").asText() + ":"
                + a.path("AttributeType").asText()));
        assertThat(attributes).containsExactlyInAnyOrderElementsOf(expected.attributeDefinitions().stream()
                .map(a -> a.attributeName() + ":" + a.attributeTypeAsString()).toList());
        assertThat(p.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo(StateTables.TTL);
        assertThat(p.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    }
}

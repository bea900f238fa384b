package io.sluice.infra.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateResource;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * {@code AWS::DynamoDB::Table}: attribute definitions, key schema, billing mode and throughput, global and
 * local secondary indexes, streams, then time to live.
 */
final class DynamoDbTableProvisioner implements ResourceProvisioner {

    @Override
    public boolean provision(TemplateResource resource, Template template, SdkClients clients) {
        JsonNode p = template.resolve(resource.properties());
        String name = template.physicalName(resource.logicalId());
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(name)
                .attributeDefinitions(attributes(p.path("AttributeDefinitions")))
                .keySchema(keys(p.path("KeySchema")));
        boolean payPerRequest = p.path("BillingMode").asText("PROVISIONED").equals("PAY_PER_REQUEST");
        req.billingMode(payPerRequest ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED);
        if (!payPerRequest) {
            req.provisionedThroughput(throughput(p.path("ProvisionedThroughput")));
        }
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (JsonNode g : p.path("GlobalSecondaryIndexes")) {
            GlobalSecondaryIndex.Builder b = GlobalSecondaryIndex.builder().indexName(g.path("IndexName").asText())
                    .keySchema(keys(g.path("KeySchema"))).projection(projection(g.path("Projection")));
            if (!payPerRequest) {
                b.provisionedThroughput(throughput(g.path("ProvisionedThroughput")));
            }
            gsis.add(b.build());
        }
        if (!gsis.isEmpty()) {
            req.globalSecondaryIndexes(gsis);
        }
        List<LocalSecondaryIndex> lsis = new ArrayList<>();
        for (JsonNode l : p.path("LocalSecondaryIndexes")) {
            lsis.add(LocalSecondaryIndex.builder().indexName(l.path("IndexName").asText())
                    .keySchema(keys(l.path("KeySchema"))).projection(projection(l.path("Projection"))).build());
        }
        if (!lsis.isEmpty()) {
            req.localSecondaryIndexes(lsis);
        }
        JsonNode stream = p.path("StreamSpecification").path("StreamViewType");
        if (!stream.isMissingNode()) {
            req.streamSpecification(s -> s.streamEnabled(true).streamViewType(stream.asText()));
        }
        try (DynamoDbClient dynamo = clients.dynamoDb().get()) {
            try {
                dynamo.createTable(req.build());
            } catch (ResourceInUseException exists) {
                return false;
            }
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
            JsonNode ttl = p.path("TimeToLiveSpecification");
            if (ttl.path("Enabled").asBoolean(false)) {
                dynamo.updateTimeToLive(b -> b.tableName(name)
                        .timeToLiveSpecification(t -> t.attributeName(ttl.path("AttributeName").asText()).enabled(true)));
            }
            return true;
        }
    }

    private static List<AttributeDefinition> attributes(JsonNode defs) {
        List<AttributeDefinition> out = new ArrayList<>();
        for (JsonNode d : defs) {
            out.add(AttributeDefinition.builder().attributeName(d.path("AttributeName").asText())
                    .attributeType(d.path("AttributeType").asText()).build());
        }
        return out;
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> out = new ArrayList<>();
        for (JsonNode k : schema) {
            out.add(KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
                    .keyType(k.path("KeyType").asText()).build());
        }
        return out;
    }

    private static Projection projection(JsonNode p) {
        Projection.Builder b = Projection.builder().projectionType(p.path("ProjectionType").asText("ALL"));
        List<String> nonKey = new ArrayList<>();
        p.path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
        if (!nonKey.isEmpty()) {
            b.nonKeyAttributes(nonKey);
        }
        return b.build();
    }

    private static ProvisionedThroughput throughput(JsonNode t) {
        return ProvisionedThroughput.builder().readCapacityUnits(t.path("ReadCapacityUnits").asLong(5))
                .writeCapacityUnits(t.path("WriteCapacityUnits").asLong(5)).build();
    }
}

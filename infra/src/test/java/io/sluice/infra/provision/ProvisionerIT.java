package io.sluice.infra.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

@ExtendWith(LocalAwsExtension.class)
class ProvisionerIT {

    @Test
    void shouldCreateEveryStreamTableBucketAndQueueOfTheTemplate(LocalAws aws) {
        Template template = Template.load(Template.locate(),
                TemplateOptions.local().withParameter("Stage", "prov").withParameter("ShardCount", "3"));

        ProvisionReport report = Provisioner.provision(template, clients(aws));

        // Everything of a provisionable type is created, everything else skipped: derived from the template, so
        // the test keeps holding as resources are added to it.
        java.util.Set<String> provisionable = java.util.Set.of("AWS::Kinesis::Stream", "AWS::DynamoDB::Table",
                "AWS::S3::Bucket", "AWS::SQS::Queue");
        assertThat(report.entries()).filteredOn(e -> e.outcome() == ProvisionReport.Outcome.CREATED)
                .extracting(ProvisionReport.Entry::logicalId)
                .containsExactlyElementsOf(template.resources().stream().filter(r -> provisionable.contains(r.type()))
                        .map(r -> r.logicalId()).toList())
                .contains("OrdersStream", "StateTable", "CoordinationTable", "ResultsTable", "ResultsBucket",
                        "DataBucket", "DeadLetterQueue");
        assertThat(report.entries()).filteredOn(e -> e.outcome() == ProvisionReport.Outcome.SKIPPED)
                .extracting(ProvisionReport.Entry::logicalId)
                .containsExactlyElementsOf(template.resources().stream().filter(r -> !provisionable.contains(r.type()))
                        .map(r -> r.logicalId()).toList())
                .contains("OperatorFunction");
        try (KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb(); S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
            assertThat(kinesis.listShards(b -> b.streamName("sluice-prov-orders")).shards()).hasSize(3);
            TableDescription state = dynamo.describeTable(b -> b.tableName("sluice-prov-state")).table();
            assertThat(state.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                    .containsExactly("pk:HASH", "sk:RANGE");
            assertThat(state.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
            assertThat(dynamo.describeTimeToLive(b -> b.tableName("sluice-prov-state")).timeToLiveDescription().attributeName())
                    .isEqualTo("ttl");
            assertThat(dynamo.listTables().tableNames()).contains("sluice-prov-coordination", "sluice-prov-results");
            assertThat(s3.listBuckets().buckets()).extracting(b -> b.name())
                    .contains("sluice-prov-results-000000000000-us-east-1", "sluice-prov-data-000000000000-us-east-1");
            assertThat(sqs.getQueueUrl(b -> b.queueName("sluice-prov-operator-dlq")).queueUrl()).isNotBlank();
        }
    }

    @Test
    void shouldCreateSecondaryIndexesStreamsAndQueueAttributesOfAnInlineTemplate(LocalAws aws) {
        String yaml = String.join("\n",
                "Resources:",
                "  Jobs:",
                "    Type: AWS::DynamoDB::Table",
                "    Properties:",
                "      TableName: !Sub ${AWS::StackName}-jobs",
                "      BillingMode: PAY_PER_REQUEST",
                "      AttributeDefinitions:",
                "        - {AttributeName: pk, AttributeType: S}",
                "        - {AttributeName: status, AttributeType: S}",
                "      KeySchema: [{AttributeName: pk, KeyType: HASH}]",
                "      GlobalSecondaryIndexes:",
                "        - IndexName: by-status",
                "          KeySchema: [{AttributeName: status, KeyType: HASH}]",
                "          Projection: {ProjectionType: KEYS_ONLY}",
                "      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}",
                "  Work:",
                "    Type: AWS::SQS::Queue",
                "    Properties: {VisibilityTimeout: 120}");
        Template template = Template.parse(yaml, TemplateOptions.local().withStackName("inline"));

        Provisioner.provision(template, clients(aws));

        try (DynamoDbClient dynamo = aws.dynamoDb(); SqsClient sqs = aws.sqs()) {
            TableDescription jobs = dynamo.describeTable(b -> b.tableName("inline-jobs")).table();
            assertThat(jobs.globalSecondaryIndexes()).extracting(g -> g.indexName()).containsExactly("by-status");
            assertThat(jobs.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_AND_OLD_IMAGES");
            String url = sqs.getQueueUrl(b -> b.queueName("inline-Work")).queueUrl();
            assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("VisibilityTimeout"))
                    .attributesAsStrings()).containsEntry("VisibilityTimeout", "120");
        }
    }

    @Test
    void shouldLeaveExistingResourcesAloneWhenProvisionedTwice(LocalAws aws) {
        Template template = Template.load(Template.locate(), TemplateOptions.local().withParameter("Stage", "twice"));
        Provisioner.provision(template, clients(aws));

        ProvisionReport again = Provisioner.provision(template, clients(aws));

        assertThat(again.entries()).extracting(ProvisionReport.Entry::outcome)
                .containsOnly(ProvisionReport.Outcome.EXISTED, ProvisionReport.Outcome.SKIPPED);
    }

    private static SdkClients clients(LocalAws aws) {
        return new SdkClients(aws::kinesis, aws::dynamoDb, aws::s3, aws::sqs, aws.region());
    }
}

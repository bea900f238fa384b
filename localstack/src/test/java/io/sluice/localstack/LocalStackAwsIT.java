package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Runs LocalStack when a Docker engine answers; reported as skipped otherwise. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackAwsIT {

    @Test
    void shouldServeEveryServiceFromLocalStack() {
        try (LocalAws aws = LocalAws.of("localstack").start();
             KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb(); S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
            kinesis.createStream(b -> b.streamName("localstack-it").shardCount(1));
            s3.createBucket(b -> b.bucket("localstack-it"));
            sqs.createQueue(b -> b.queueName("localstack-it"));

            assertThat(kinesis.listStreams().streamNames()).contains("localstack-it");
            assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).contains("localstack-it");
            assertThat(dynamo.listTables().tableNames()).isNotNull();
        }
    }
}

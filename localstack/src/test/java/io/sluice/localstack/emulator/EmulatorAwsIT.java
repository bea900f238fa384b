package io.sluice.localstack.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.LocalAwsState;
import io.sluice.localstack.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

@ExtendWith(LocalAwsExtension.class)
class EmulatorAwsIT {

    @Test
    void shouldServeEveryServiceThroughTheSdkClients(LocalAws aws) {
        try (KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb(); S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
            kinesis.createStream(b -> b.streamName("emulator-it").shardCount(1));
            awaitActive(kinesis, "emulator-it");
            kinesis.putRecord(b -> b.streamName("emulator-it").partitionKey("k").data(SdkBytes.fromUtf8String("hello")));
            String shard = kinesis.listShards(b -> b.streamName("emulator-it")).shards().get(0).shardId();
            String it = kinesis.getShardIterator(b -> b.streamName("emulator-it").shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertThat(kinesis.getRecords(b -> b.shardIterator(it)).records()).extracting(r -> r.data().asUtf8String())
                    .containsExactly("hello");

            dynamo.createTable(b -> b.tableName("emulator-it").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
            dynamo.putItem(b -> b.tableName("emulator-it").item(Map.of("pk", AttributeValue.fromS("a"))));
            assertThat(dynamo.getItem(b -> b.tableName("emulator-it").key(Map.of("pk", AttributeValue.fromS("a")))).hasItem()).isTrue();

            s3.createBucket(b -> b.bucket("emulator-it"));
            s3.putObject(b -> b.bucket("emulator-it").key("a/b.txt"), RequestBody.fromString("x"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket("emulator-it").key("a/b.txt")).asUtf8String()).isEqualTo("x");

            String url = sqs.createQueue(b -> b.queueName("emulator-it")).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("m"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).extracting(m -> m.body()).containsExactly("m");
        }
    }

    @Test
    void shouldPrintEndpointsAndAnExportBlock(LocalAws aws) {
        String text = aws.describe();

        assertThat(text).contains("export AWS_ENDPOINT_URL_KINESIS=" + aws.endpoint(Service.KINESIS))
                .contains("export AWS_REGION=us-east-1").contains("export AWS_ACCESS_KEY_ID=test")
                .contains("export AWS_ENDPOINT_URL=" + aws.endpoint(Service.DYNAMODB));
    }

    @Test
    void shouldStopEveryProcessOnClose() {
        EmulatorAws aws = EmulatorAws.create().start();
        Map<String, Long> pids = aws.pids();
        System.out.println("Emulator start-up: " + aws.startupTimes());
        assertThat(aws.startupTimes().get("total")).isLessThan(Duration.ofSeconds(30));

        aws.close();

        assertThat(pids.values()).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    }

    @Test
    void shouldRunDetachedAndBeFoundAgainThroughTheStateFile(@TempDir Path dir) {
        LocalAwsState up = LocalAwsState.up(dir);
        try {
            LocalAwsState found = LocalAwsState.load(dir).orElseThrow();
            assertThat(found.alive()).isTrue();
            assertThat(found.status()).contains("Local AWS is up").contains("kinesis-mock");
            try (LocalAws aws = found.attach(); SqsClient sqs = aws.sqs()) {
                assertThat(sqs.listQueues().queueUrls()).isNotNull();
            }
        } finally {
            up.down();
        }
        assertThat(Files.exists(dir.resolve("state.json"))).isFalse();
        assertThat(up.data().pids.values()).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
    }

    static void awaitActive(KinesisClient kinesis, String stream) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatusAsString().equals("ACTIVE")) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}

package io.sluice.cli;

import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.localstack.LocalAws;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo counts distinct dead letters, including those a batch wrote past the per-batch bound into bulk objects. */
class DemoDeadLetterCountTest {

    @Test
    void count_readsTheIdsOfBulkObjects_soABatchOf250DeadLettersCounts250() {
        try (LocalAws aws = LocalAws.of("emulators").start(); SqsClient sqs = aws.sqs(); S3Client s3 = aws.s3();
             DynamoDbClient dynamo = aws.dynamoDb()) {
            String queue = sqs.createQueue(b -> b.queueName("demo-count")).queueUrl();
            s3.createBucket(b -> b.bucket("demo-count"));
            LambdaWiring wiring = LambdaWiring.of(HandlerConfig.from(Map.of(
                    HandlerConfig.PIPELINE, "gmv-total", HandlerConfig.STATE_TABLE, "unused",
                    HandlerConfig.COORDINATION_TABLE, "unused", HandlerConfig.RESULTS_BUCKET, "demo-count",
                    HandlerConfig.DEAD_LETTER_QUEUE_URL, queue)), new LambdaWiring.Clients(dynamo, s3, sqs, null));
            List<RejectedRecord> batch = IntStream.rangeClosed(1, 250).mapToObj(i -> new RejectedRecord("gmv-total",
                    "shardId-000000000000", "seq=" + i, "not JSON", "x")).toList();

            for (int attempt = 0; attempt < 2; attempt++) {   // a batch and its retry: the same ids
                SinkOutputs outputs = wiring.outputs();
                batch.forEach(outputs::rejected);
                outputs.flush("shardId-000000000000");
            }

            assertThat(DemoCommand.count(sqs, s3, queue)).isEqualTo(250);
        }
    }
}

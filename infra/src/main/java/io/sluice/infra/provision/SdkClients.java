package io.sluice.infra.provision;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where to provision: SDK clients of any endpoint (emulators, LocalStack, a real account), made on demand. Each
 * provisioner opens the client it needs and closes it when done, so the suppliers must return a new client per call.
 *
 * <pre>{@code
 * Provisioner.provision(template, new SdkClients(aws::kinesis, aws::dynamoDb, aws::s3, aws::sqs, aws.region()));
 * }</pre>
 *
 * @param kinesis  makes a Kinesis client
 * @param dynamoDb makes a DynamoDB client
 * @param s3       makes an S3 client
 * @param sqs      makes an SQS client
 * @param region   the endpoint's region (S3 buckets outside {@code us-east-1} need it as location constraint)
 */
public record SdkClients(Supplier<KinesisClient> kinesis, Supplier<DynamoDbClient> dynamoDb, Supplier<S3Client> s3,
                         Supplier<SqsClient> sqs, Region region) {

    public SdkClients {
        Objects.requireNonNull(kinesis, "kinesis");
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(s3, "s3");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(region, "region");
    }
}

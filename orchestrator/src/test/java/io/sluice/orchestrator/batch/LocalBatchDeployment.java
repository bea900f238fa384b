package io.sluice.orchestrator.batch;

import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.runtime.Outputs;
import io.sluice.localstack.LocalAws;
import io.sluice.state.StateStore;
import io.sluice.state.dynamodb.StateTables;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Test fixture: one deployment of the batch side on the local engines (fresh state and coordination tables, data
 * and results buckets, dead-letter queue), the batch function's wiring over it, and a coordinator factory.
 */
public final class LocalBatchDeployment implements AutoCloseable {

    final DynamoDbClient dynamo;
    final S3Client s3;
    final SqsClient sqs;
    public final HandlerConfig config;
    public final String dataBucket;
    final LambdaWiring wiring;

    public LocalBatchDeployment(LocalAws aws, String pipeline) {
        this.dynamo = aws.dynamoDb();
        this.s3 = aws.s3();
        this.sqs = aws.sqs();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        StateTables.create(dynamo, "batch-state-" + suffix);
        StateTables.create(dynamo, "batch-coordination-" + suffix);
        this.dataBucket = "batch-data-" + suffix;
        s3.createBucket(b -> b.bucket(dataBucket));
        s3.createBucket(b -> b.bucket("batch-results-" + suffix));
        String queue = sqs.createQueue(b -> b.queueName("batch-dlq-" + suffix)).queueUrl();
        this.config = HandlerConfig.from(Map.of(
                HandlerConfig.PIPELINE, pipeline,
                HandlerConfig.STATE_TABLE, "batch-state-" + suffix,
                HandlerConfig.COORDINATION_TABLE, "batch-coordination-" + suffix,
                HandlerConfig.RESULTS_BUCKET, "batch-results-" + suffix,
                HandlerConfig.DEAD_LETTER_QUEUE_URL, queue));
        this.wiring = LambdaWiring.of(config, new LambdaWiring.Clients(dynamo, s3, sqs, null));
    }

    public void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(dataBucket).key(key), RequestBody.fromBytes(bytes));
    }

    StateStore store() {
        return wiring.stateStore(Clock.systemUTC());
    }

    public JobStore jobs() {
        return new DynamoDbJobStore(dynamo, config.coordinationTable(), Duration.ofDays(7), Clock.systemUTC());
    }

    /** A pool of batch function instances, as Lambda would run them (metrics lines discarded). */
    public LocalTaskInvoker invoker(int threads) {
        return invoker(threads, s3);
    }

    /** Like {@link #invoker(int)}, the batch function reading S3 through {@code functionS3} (a fault injector). */
    LocalTaskInvoker invoker(int threads, S3Client functionS3) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        LambdaWiring functions = functionS3 == s3 ? wiring
                : LambdaWiring.of(config, new LambdaWiring.Clients(dynamo, functionS3, sqs, null));
        return LocalTaskInvoker.of(threads, () -> functions.s3BatchOperator(Clock.systemUTC(), discard)::handle);
    }

    public BatchCoordinator coordinator(TaskInvoker invoker) {
        return new BatchCoordinator(wiring.pipeline(), store(), wiring.outputs(), jobs(), invoker, s3,
                Clock.systemUTC());
    }

    /** A coordinator over {@code jobs} (a fault-injecting wrapper) whose final firing writes through {@code outputs}. */
    BatchCoordinator coordinator(TaskInvoker invoker, JobStore jobs, UnaryOperator<Outputs> outputs) {
        return new BatchCoordinator(wiring.pipeline(), store(), outputs.apply(wiring.outputs()), jobs, invoker, s3,
                Clock.systemUTC());
    }

    /** Every object under {@code prefix} of the results bucket, by key. */
    public Map<String, String> results(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(config.resultsBucket()).prefix(prefix)).contents()) {
            out.put(o.key(), s3.getObjectAsBytes(b -> b.bucket(config.resultsBucket()).key(o.key()))
                    .asString(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        dynamo.close();
        s3.close();
        sqs.close();
    }
}

package io.sluice.localstack.esm;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Applies {@link LocalInvocation} to every AWS SDK v2 client of the JVM (registered as a global interceptor in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}): calls of a timed-out invocation are
 * refused, writes are counted so chaos mode can time an invocation out right after its N-th write, and the write
 * chaos mode throttles fails before it is sent (DynamoDB's {@code ProvisionedThroughputExceededException}, a
 * {@code ThrottlingException} elsewhere). Calls made
 * outside a local invocation (the runtime's own reads, tests, the CLI) pass untouched.
 */
public final class LocalInvocationInterceptor implements ExecutionInterceptor {
    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "TransactWriteItems", "PutObject", "CompleteMultipartUpload", "DeleteObject", "SendMessage",
            "SendMessageBatch", "PutRecord", "PutRecords");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!WRITES.contains(operation)) {
            LocalInvocation.beforeCall();
        } else if (LocalInvocation.beforeWrite()) {
            throw throttled(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), operation);
        }
    }

    /** The error the service answers a throttled write with (after the SDK's own retries, here at once). */
    private static RuntimeException throttled(String service, String operation) {
        String message = "Rate exceeded for " + operation + " (local chaos)";
        AwsErrorDetails details = AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                .errorMessage(message).serviceName(service).build();
        if ("DynamoDb".equalsIgnoreCase(service)) {
            return ProvisionedThroughputExceededException.builder().message(message).awsErrorDetails(details)
                    .statusCode(400).build();
        }
        return AwsServiceException.builder().message(message).awsErrorDetails(details.toBuilder()
                .errorCode("ThrottlingException").build()).statusCode(400).build();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (WRITES.contains(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
            LocalInvocation.afterWrite();
        }
    }
}

package io.sluice.localstack.esm;

import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Applies {@link LocalInvocation} to every AWS SDK v2 client of the JVM (registered as a global interceptor in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}): calls of a timed-out invocation are
 * refused, and writes are counted so chaos mode can time an invocation out right after its N-th write. Calls made
 * outside a local invocation (the runtime's own reads, tests, the CLI) pass untouched.
 */
public final class LocalInvocationInterceptor implements ExecutionInterceptor {
    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "TransactWriteItems", "PutObject", "CompleteMultipartUpload", "DeleteObject", "SendMessage",
            "SendMessageBatch", "PutRecord", "PutRecords");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        LocalInvocation.beforeCall();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (WRITES.contains(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
            LocalInvocation.afterWrite();
        }
    }
}

package io.sluice.functions.io;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.RoundTripMeter;
import io.sluice.localstack.Service;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Map;
import java.util.TreeMap;

/** Test fixture: counts the SDK calls of the S3 and SQS clients it builds, by operation ({@code PutObject}, ...). */
public final class CallCounter implements ExecutionInterceptor {

    private final Map<String, Integer> calls = new TreeMap<>();

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.merge(RoundTripMeter.operation(context.request()), 1, Integer::sum);
    }

    public synchronized int calls(String operation) {
        return calls.getOrDefault(operation, 0);
    }

    public synchronized Map<String, Integer> all() {
        return new TreeMap<>(calls);
    }

    public synchronized void reset() {
        calls.clear();
    }

    /** An S3 client of {@code aws} whose calls this counts (and any further interceptors see). */
    public S3Client s3(LocalAws aws, ExecutionInterceptor... more) {
        return S3Client.builder().endpointOverride(aws.endpoint(Service.S3)).region(aws.region())
                .credentialsProvider(aws.credentialsProvider()).forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> {
                    c.addExecutionInterceptor(this);
                    for (ExecutionInterceptor i : more) {
                        c.addExecutionInterceptor(i);
                    }
                }).build();
    }

    /** An SQS client of {@code aws} whose calls this counts (and any further interceptors see). */
    public SqsClient sqs(LocalAws aws, ExecutionInterceptor... more) {
        return SqsClient.builder().endpointOverride(aws.endpoint(Service.SQS)).region(aws.region())
                .credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> {
                    c.addExecutionInterceptor(this);
                    for (ExecutionInterceptor i : more) {
                        c.addExecutionInterceptor(i);
                    }
                }).build();
    }
}

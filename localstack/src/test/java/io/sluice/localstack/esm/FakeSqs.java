package io.sluice.localstack.esm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** An SQS queue for the runtime's unit tests: keeps the bodies sent, in order. */
final class FakeSqs implements SqsClient {
    static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:dlq";

    final List<String> bodies = new CopyOnWriteArrayList<>();

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return GetQueueUrlResponse.builder().queueUrl("http://localhost/000000000000/" + request.queueName()).build();
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        bodies.add(request.messageBody());
        return SendMessageResponse.builder().messageId(Integer.toString(bodies.size())).build();
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {
    }
}

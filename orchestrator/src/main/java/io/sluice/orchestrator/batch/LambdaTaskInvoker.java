package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs tasks as asynchronous invocations ({@code InvocationType.EVENT}) of the batch function. Lambda answers an
 * asynchronous invocation through the function's destinations only, so the template sends both outcomes to one
 * queue ({@code AWS::Lambda::EventInvokeConfig}, no Lambda-side retries: the coordinator retries with its own
 * back-off) and {@link #poll} reads the destination records from it: {@code requestPayload} (our event) and
 * {@code responsePayload} (the function's {@code results}, or its error on failure).
 *
 * <pre>{@code
 * TaskInvoker invoker = new LambdaTaskInvoker(lambda, "sluice-dev-batch:live", sqs, resultsQueueUrl);
 * }</pre>
 *
 * <p>Records of other jobs sharing the queue are left alone; they become visible again after the queue's
 * visibility timeout for their own coordinator. A record is deleted only when the coordinator acknowledges it
 * ({@link #ack}), after recording its answer.
 */
public final class LambdaTaskInvoker implements TaskInvoker {

    private final LambdaClient lambda;
    private final String function;
    private final SqsClient sqs;
    private final String queueUrl;

    /**
     * @param function name, ARN or {@code name:alias} of the batch function
     * @param queueUrl the destination queue of the batch function's asynchronous invocations
     */
    public LambdaTaskInvoker(LambdaClient lambda, String function, SqsClient sqs, String queueUrl) {
        this.lambda = lambda;
        this.function = function;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void start(String jobId, BatchTask task) {
        start(jobId, task, 0, 0);
    }

    @Override
    public void start(String jobId, BatchTask task, int attempt, long notAfterMillis) {
        byte[] payload;
        try {
            payload = TaskEvents.JSON.writeValueAsBytes(TaskEvents.event(jobId, task, attempt, notAfterMillis));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the event of task " + task.taskId(), e);
        }
        lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArray(payload)));
    }

    @Override
    public List<TaskResult> poll(String jobId, Duration wait) {
        int seconds = (int) Math.min(20, Math.max(0, wait.toSeconds()));
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(seconds)).messages();
        List<TaskResult> results = new ArrayList<>();
        for (Message m : messages) {
            JsonNode record;
            try {
                record = TaskEvents.JSON.readTree(m.body());
            } catch (JsonProcessingException e) {
                continue; // not a destination record: leave it to whoever sent it
            }
            JsonNode request = record.path("requestPayload");
            if (!jobId.equals(request.path("jobId").asText())) {
                continue;
            }
            // Deleted only once the coordinator has recorded the answer (ack): a coordinator killed or throttled in
            // between finds it again after the visibility timeout.
            int attempt = TaskEvents.attempt(request);
            results(record, request).forEach(r -> results.add(r.of(attempt, m.receiptHandle())));
        }
        return results;
    }

    @Override
    public void ack(TaskResult result) {
        if (result.receipt() != null) {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(result.receipt()));
        }
    }

    /** The task results of one destination record. */
    static List<TaskResult> results(JsonNode record, JsonNode request) {
        List<TaskResult> out = new ArrayList<>();
        JsonNode response = record.path("responsePayload");
        boolean success = "Success".equals(record.path("requestContext").path("condition").asText())
                && response.path("results").isArray();
        if (success) {
            response.path("results").forEach(r -> out.add(TaskResult.of(r)));
            return out;
        }
        String why = "function error (" + record.path("requestContext").path("condition").asText("unknown") + "): "
                + response.path("errorType").asText("") + " " + response.path("errorMessage").asText("");
        request.path("tasks").forEach(t -> out.add(TaskResult.temporaryFailure(t.path("taskId").asText(), why.trim())));
        return out;
    }

    @Override
    public boolean outlivesCoordinator() {
        return true;
    }

    @Override
    public void close() {
        // Nothing local: invocations already sent run to their end and report to the queue.
    }
}

package io.sluice.orchestrator.batch;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AWS invoker's answer side on the local SQS: destination records of this job become task results and are
 * deleted; records of another job stay for their coordinator. (Invoke itself needs a Lambda service: moto runs
 * functions only with Docker.)
 */
@ExtendWith(LocalAwsExtension.class)
class LambdaTaskInvokerIT {

    @Test
    void poll_turnsThisJobsDestinationRecordsIntoResults_andLeavesOtherJobsRecords(LocalAws aws) throws Exception {
        try (SqsClient sqs = aws.sqs()) {
            String queue = sqs.createQueue(b -> b.queueName("outcomes-" + UUID.randomUUID().toString().substring(0, 8))
                    .attributes(java.util.Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName
                            .VISIBILITY_TIMEOUT, "1"))).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody(record("mine", "mine-00000", "Succeeded",
                    "lines=500 rejected=0 late=0")));
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody(record("theirs", "theirs-00000", "Succeeded",
                    "lines=1 rejected=0 late=0")));
            LambdaTaskInvoker invoker = new LambdaTaskInvoker(null, "sluice-test-batch:live", sqs, queue);

            List<TaskResult> results = invoker.poll("mine", Duration.ofSeconds(1));
            for (int i = 0; i < 5 && results.isEmpty(); i++) {
                results = invoker.poll("mine", Duration.ofSeconds(1));
            }

            assertThat(results).extracting(TaskResult::taskId, TaskResult::code, TaskResult::message)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("mine-00000", "Succeeded",
                            "lines=500 rejected=0 late=0"));
            results.forEach(invoker::ack); // recorded: now deleted
            Thread.sleep(1_100); // the other job's record becomes visible again
            List<TaskResult> theirs = invoker.poll("theirs", Duration.ofSeconds(1));
            assertThat(theirs).extracting(TaskResult::taskId).containsExactly("theirs-00000");
            assertThat(invoker.poll("mine", Duration.ZERO)).isEmpty();
        }
    }

    /** An on-success destination record as Lambda writes it for an asynchronous invocation. */
    private static String record(String job, String task, String code, String message) {
        return "{\"version\":\"1.0\",\"timestamp\":\"2026-11-28T01:00:00.000Z\",\"requestContext\":{\"requestId\":\""
                + UUID.randomUUID() + "\",\"functionArn\":\"arn:aws:lambda:us-east-1:000000000000:function:batch:live\","
                + "\"condition\":\"Success\",\"approximateInvokeCount\":1},"
                + "\"requestPayload\":{\"jobId\":\"" + job + "\",\"fire\":\"none\",\"tasks\":[{\"taskId\":\"" + task
                + "\",\"bucket\":\"b\",\"key\":\"k\"}]},"
                + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"1\"},"
                + "\"responsePayload\":{\"jobId\":\"" + job + "\",\"results\":[{\"taskId\":\"" + task
                + "\",\"resultCode\":\"" + code + "\",\"resultString\":\"" + message + "\"}]}}";
    }
}

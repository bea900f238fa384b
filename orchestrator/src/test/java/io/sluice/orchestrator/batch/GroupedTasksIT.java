package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.countedOrders;
import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.lines;
import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.orders;
import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.prefixJob;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Small objects grouped into tasks ({@link JobSpec#objectsPerTask}) on the local engines: one split reads several
 * objects, its line numbers (the fences) running on from one object to the next.
 */
@ExtendWith(LocalAwsExtension.class)
class GroupedTasksIT {

    @Test
    void aGroupedTaskRetriedAfterItAppliedAChunk_countsEveryLineOfEveryObjectOnce(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, "gmv-by-category")) {
            // Arrange: a first object longer than one 50,000-line chunk, then a second one whose first read fails
            d.put("in/a.jsonl", lines(orders(60_000, 1)));
            d.put("in/b.jsonl", lines(orders(300, 2)));
            d.put("in/c.jsonl", lines(orders(200, 3)));
            AtomicInteger failures = new AtomicInteger();
            S3Client flaky = failingOnce(d.s3, "in/b.jsonl", failures);
            JobSpec spec = prefixJob(d, "grouped", "in/").withObjectsPerTask(10);

            // Act
            JobReport report;
            try (LocalTaskInvoker invoker = d.invoker(2, flaky)) {
                report = d.coordinator(invoker).submit(spec);
            }

            // Assert: one task of three objects, two attempts; the retry skipped the applied chunk of a.jsonl only
            assertThat(failures).hasValue(1);
            assertThat(report.completed()).isTrue();
            assertThat(report.tasks()).singleElement().satisfies(t -> {
                assertThat(t.attempts()).isEqualTo(2);
                assertThat(t.task().more()).extracting(BatchTask.Part::key).containsExactly("in/b.jsonl", "in/c.jsonl");
            });
            assertThat(report.linesIn()).isEqualTo(60_500);
            assertThat(countedOrders(d, report.jobPipeline())).isEqualTo(60_500);
        }
    }

    /** S3 whose first GetObject of {@code key} fails with 503 SlowDown (a temporary failure). */
    private static S3Client failingOnce(S3Client s3, String key, AtomicInteger failures) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getObject") && args != null && args.length == 1
                            && args[0] instanceof GetObjectRequest r && r.key().equals(key)
                            && failures.compareAndSet(0, 1)) {
                        throw S3Exception.builder().statusCode(503).awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("SlowDown").errorMessage("SlowDown").build()).build();
                    }
                    try {
                        return method.invoke(s3, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

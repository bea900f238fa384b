package io.sluice.orchestrator.batch;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Job and task records and the job lease in a coordination table on the local DynamoDB, against the in-memory store. */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbJobStoreIT {

    @Test
    void records_roundTrip_andTheLeaseHasOneOwnerUntilItLapsesOrIsReleased(LocalAws aws) {
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            String table = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
            StateTables.create(dynamo, table);
            for (JobStore jobs : List.of(new DynamoDbJobStore(dynamo, table, Duration.ofDays(1), Clock.systemUTC()),
                    new InMemoryJobStore())) {
                BatchTask whole = new BatchTask("j-00000", "b", "orders/a b.jsonl", "v1", 0, Long.MAX_VALUE);
                BatchTask range = new BatchTask("j-00001", "b", "big.jsonl", null, 100, 200);
                TaskRecord done = TaskRecord.planned(whole).started(5).succeeded(10, 1, 2, "lines=10 rejected=1 late=2");
                TaskRecord failed = TaskRecord.planned(range).started(6).failed("object not found: s3://b/big.jsonl",
                        0, 0);
                jobs.putTasks("j", List.of(failed, done));
                JobRecord job = JobRecord.planned("j", "gmv-by-category", 2, 1_000).completed(2_000, Long.MAX_VALUE,
                        3, 40);
                jobs.putJob(job);

                assertThat(jobs.tasks("j")).containsExactly(done, failed);
                assertThat(jobs.readJob("j")).contains(job);
                assertThat(jobs.readJob("other")).isEmpty();

                assertThat(jobs.claim("j", "a", 1_000, 100)).isTrue();
                assertThat(jobs.claim("j", "b", 1_050, 100)).isFalse();
                assertThat(jobs.claim("j", "a", 1_050, 100)).isTrue();   // renewal
                assertThat(jobs.claim("j", "b", 1_150, 100)).isTrue();   // a's lease lapsed at 1,150
                jobs.release("j", "a");                                   // not a's: no-op
                assertThat(jobs.claim("j", "a", 1_200, 100)).isFalse();
                jobs.release("j", "b");
                assertThat(jobs.claim("j", "a", 1_200, 100)).isTrue();
            }
        }
    }
}

package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                long now = System.currentTimeMillis();
                assertThat(jobs.claim("j", "owner", now, 60_000)).isTrue();
                JobRecord planning = JobRecord.planning("j", "gmv-by-category", "fp1", "{}", 1_000);
                assertThat(jobs.createJob(planning, "owner")).isTrue();
                assertThat(jobs.createJob(planning, "owner")).as("the id is bound once").isFalse();
                assertThat(jobs.openJobs()).containsExactly("j");
                jobs.putTasks("j", List.of(failed, done.withApplied(0)), "owner");
                JobRecord job = planning.planned("h", 2, 2, List.of("s3://b/a b.jsonl")).running()
                        .completed(2_000, Long.MAX_VALUE, 3, 40, false);
                jobs.putJob(job, "owner");
                jobs.putFired("j", "0-60000", 7, "owner");

                assertThat(jobs.tasks("j")).containsExactly(done, failed);
                assertThat(jobs.readJob("j")).contains(job);
                assertThat(jobs.readJob("other")).isEmpty();
                assertThat(jobs.openJobs()).isEmpty();
                assertThat(jobs.fired("j")).containsExactly(java.util.Map.entry("0-60000", 7L));
                assertThatThrownBy(() -> jobs.putJob(job, "intruder")).isInstanceOf(LeaseLostException.class);
                jobs.deleteTasks("j", "owner");
                assertThat(jobs.tasks("j")).isEmpty();
                jobs.release("j", "owner");

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

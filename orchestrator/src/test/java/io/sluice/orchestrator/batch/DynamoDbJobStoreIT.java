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
                BatchTask grouped = new BatchTask("j-00002", "b", "s1", null, "e1", 0, Long.MAX_VALUE, List.of(
                        new BatchTask.Part("b", "s2", null, "e2"), new BatchTask.Part("c", "s 3", "v3", null)));
                jobs.putPlan("j", List.of(TaskRecord.planned(whole), TaskRecord.planned(range),
                        TaskRecord.planned(grouped)), "owner");
                jobs.putTasks("j", List.of(failed, done.withApplied(0)), "owner");
                JobRecord job = planning.planned("h", 2, 2, List.of("s3://b/a b.jsonl")).running()
                        .completed(2_000, Long.MAX_VALUE, 3, 40, false);
                jobs.putJob(job, "owner");
                jobs.putFired("j", "0-60000", 7, "owner");

                assertThat(jobs.tasks("j")).as("task records override the plan's").containsExactly(done, failed,
                        TaskRecord.planned(grouped));
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

    /**
     * Two coordinators, each with its own store as two Lambda instances would have: the first one's lease lapses (a
     * long pause) and the second takes the job over; every write the first one then tries is refused by the table,
     * including writes of items the second one has not written yet, and the table keeps exactly the second one's.
     */
    @Test
    void everyWrite_ofACoordinatorWhoseLeaseWasTakenOver_isRefused_andChangesNothing(LocalAws aws) throws Exception {
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            String table = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
            StateTables.create(dynamo, table);
            Clock clock = Clock.systemUTC();
            List<JobStore[]> pairs = List.of(
                    new JobStore[] {new DynamoDbJobStore(dynamo, table, Duration.ofDays(1), clock),
                            new DynamoDbJobStore(dynamo, table, Duration.ofDays(1), clock)},
                    sameStoreTwice(new InMemoryJobStore()));
            for (JobStore[] pair : pairs) {
                JobStore oldStore = pair[0];
                JobStore newStore = pair[1];
                long now = System.currentTimeMillis();
                assertThat(oldStore.claim("t", "old", now, 200)).isTrue();
                JobRecord planning = JobRecord.planning("t", "gmv-by-category", "fp", "{}", now);
                assertThat(oldStore.createJob(planning, "old")).isTrue();
                List<TaskRecord> plan = new java.util.ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    plan.add(TaskRecord.planned(new BatchTask(TaskPlanner.taskId("t", i), "b", "k" + i, null, 0,
                            Long.MAX_VALUE)));
                }
                oldStore.putPlan("t", plan.subList(0, 100), "old");
                Thread.sleep(300); // the old coordinator pauses past its lease

                assertThat(newStore.claim("t", "new", System.currentTimeMillis(), 60_000)).isTrue();
                JobRecord resumed = planning.planned("h", 100, 100, List.of());
                newStore.putJob(resumed, "new");
                newStore.putTasks("t", List.of(plan.get(0).started(7)), "new");
                // The old coordinator's heartbeat may even renew: the lease is another's now.
                assertThat(oldStore.claim("t", "old", System.currentTimeMillis(), 200)).isFalse();

                List<Runnable> staleWrites = List.of(
                        () -> oldStore.putTasks("t", List.of(plan.get(0).started(8).succeeded(1, 0, 0, "")), "old"),
                        () -> oldStore.putTasks("t", List.of(plan.get(120)), "old"),       // an item not written yet
                        () -> oldStore.putPlan("t", plan.subList(100, 150), "old"),        // a plan checkpoint
                        () -> oldStore.putTasks("t", plan.subList(100, 150), "old"),
                        () -> oldStore.putJob(planning.planned("other", 150, 150, List.of()).running(), "old"),
                        () -> oldStore.putFired("t", "0-60000", 9, "old"),
                        () -> oldStore.deleteTasks("t", "old"),
                        () -> oldStore.createJob(JobRecord.planning("t", "gmv-by-category", "fp2", "{}", now), "old"));
                for (Runnable write : staleWrites) {
                    assertThatThrownBy(write::run).isInstanceOf(LeaseLostException.class);
                }

                assertThat(newStore.readJob("t")).contains(resumed);
                List<TaskRecord> stored = newStore.tasks("t");
                assertThat(stored).hasSize(100).first().isEqualTo(plan.get(0).started(7));
                assertThat(stored.subList(1, 100)).isEqualTo(plan.subList(1, 100));
                assertThat(newStore.fired("t")).isEmpty();
                newStore.putFired("t", "0-60000", 3, "new");   // the new owner writes on
                assertThat(newStore.fired("t")).containsEntry("0-60000", 3L);
            }
        }
    }

    private static JobStore[] sameStoreTwice(JobStore store) {
        return new JobStore[] {store, store};
    }
}

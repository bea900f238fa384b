package io.sluice.orchestrator.batch;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.Slot;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.coordination.BatchTask;
import io.sluice.state.coordination.CoordinationKeys;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import io.sluice.state.dynamodb.StateTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state store, the job store and the scaler's history share one coordination table: a pipeline named
 * {@code job} and a job with id {@code slots} (which both used to be the partition {@code job#slots}) keep their
 * items apart.
 */
@ExtendWith(LocalAwsExtension.class)
class SharedCoordinationTableIT {

    @Test
    void pipelineNamedJob_andJobIdSlots_doNotReadEachOthersItems(LocalAws aws) {
        try (DynamoDbClient dynamo = aws.dynamoDb()) {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            String coordination = "coordination-" + suffix;
            String state = "state-" + suffix;
            StateTables.create(dynamo, coordination);
            StateTables.create(dynamo, state);
            StateStore store = DynamoDbStateStore.builder().withClient(dynamo).withStateTable(state)
                    .withCoordinationTable(coordination).build();
            JobStore jobs = new DynamoDbJobStore(dynamo, coordination, Duration.ofDays(1), Clock.systemUTC());

            long now = System.currentTimeMillis();
            assertThat(jobs.claim("slots", "owner", now, 60_000)).isTrue();
            JobRecord job = JobRecord.planning("slots", "gmv-by-category", "fp", "{}", now);
            assertThat(jobs.createJob(job, "owner")).isTrue();
            TaskRecord task = TaskRecord.planned(new BatchTask("slots-00000", "b", "k", null, 0, Long.MAX_VALUE));
            jobs.putTasks("slots", List.of(task), "owner");
            Slot slot = new Slot(0, 60_000);
            store.registerSlot("job", slot);
            store.createSplit(SplitState.pending("job", "splits", now, List.of()));

            assertThat(store.pendingSlots("job", Long.MAX_VALUE)).containsExactly(slot);
            assertThat(store.splits("job")).extracting(SplitState::split).containsExactly("splits");
            assertThat(jobs.readJob("slots")).contains(job);
            assertThat(jobs.tasks("slots")).containsExactly(task);
            assertThat(jobs.openJobs()).containsExactly("slots");
            // Each partition has one owner: the job's record, lease and task; the open-jobs index; the pipeline's
            // slot index; its splits. With the old prefixes the job and the slot index shared "job#slots".
            assertThat(dynamo.scanPaginator(b -> b.tableName(coordination)).items().stream()
                    .map(item -> item.get(StateTables.PK).s()).distinct())
                    .containsExactlyInAnyOrder(CoordinationKeys.jobPk("slots"), CoordinationKeys.OPEN_JOBS_PK,
                            CoordinationKeys.slotsPk("job"), CoordinationKeys.splitsPk("job"));
        }
    }
}

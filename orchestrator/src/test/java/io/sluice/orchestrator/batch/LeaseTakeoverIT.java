package io.sluice.orchestrator.batch;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.lines;
import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.orders;
import static io.sluice.orchestrator.batch.BatchJobGuaranteesIT.prefixJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 17: the lease is checked by every write, not only by the heartbeat. Two coordinators on moto_server: the
 * first freezes (heartbeat included) just before it stores its plan, its lease lapses, the listing shrinks, and a
 * second coordinator takes the job over and completes it over the new listing; when the first one wakes up, its plan
 * write, made without any further lease check of its own, is refused by the table, and the job keeps exactly the
 * second one's plan, results and report.
 */
@ExtendWith(LocalAwsExtension.class)
class LeaseTakeoverIT {

    @Test
    void aCoordinatorWakingUpAfterATakeover_cannotWriteItsStalePlan(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, "gmv-by-category");
             LocalTaskInvoker invoker = d.invoker(2)) {
            for (int i = 0; i < 4; i++) {
                d.put("in/part-" + i + ".jsonl", lines(orders(100, i)));
            }
            JobSpec spec = prefixJob(d, "takeover", "in/");
            FreezingJobStore frozen = new FreezingJobStore(d.jobs());
            BatchCoordinator first = d.coordinator(invoker, frozen, o -> o).withLease(Duration.ofMillis(1_500));
            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                Future<JobReport> stale = background.submit(() -> first.submit(spec));
                assertThat(frozen.frozen.await(60, TimeUnit.SECONDS)).isTrue();
                d.s3.deleteObject(b -> b.bucket(d.dataBucket).key("in/part-3.jsonl")); // the listing shrinks
                Thread.sleep(2_500); // the frozen coordinator's lease lapses

                JobReport second = d.coordinator(invoker).submit(spec);
                assertThat(second.completed()).isTrue();
                assertThat(second.tasks()).hasSize(3);
                frozen.wake.countDown();

                assertThatThrownBy(() -> stale.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(LeaseLostException.class);
                assertThat(d.jobs().tasks("takeover")).as("no task of the stale plan").hasSize(3)
                        .allMatch(t -> t.status() == TaskRecord.Status.SUCCEEDED);
                JobReport again = d.coordinator(invoker).submit(spec);
                assertThat(again.toJson().replaceAll("\"durationMillis\" : \\d+", ""))
                        .isEqualTo(second.toJson().replaceAll("\"durationMillis\" : \\d+", ""));
                assertThat(again.linesIn()).isEqualTo(300);
            } finally {
                frozen.wake.countDown();
                background.shutdownNow();
            }
        }
    }

    /**
     * A job store whose coordinator freezes at its first plan write: the write and every later call (the heartbeat's
     * renewals too) wait until {@link #wake}, as a process paused by the machine would.
     */
    private static final class FreezingJobStore extends FaultyJobStore {
        final CountDownLatch frozen = new CountDownLatch(1);
        final CountDownLatch wake = new CountDownLatch(1);

        FreezingJobStore(JobStore delegate) {
            super(delegate, (method, arg) -> false);
        }

        @Override
        public void putPlan(String jobId, java.util.List<TaskRecord> planned, String owner) {
            frozen.countDown();
            awaitWake();
            super.putPlan(jobId, planned, owner);
        }

        @Override
        public boolean claim(String jobId, String owner, long nowMillis, long leaseMillis) {
            if (frozen.getCount() == 0) {
                awaitWake();
                return false; // a renewal after waking: the lease is another's by then
            }
            return super.claim(jobId, owner, nowMillis, leaseMillis);
        }

        private void awaitWake() {
            try {
                wake.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

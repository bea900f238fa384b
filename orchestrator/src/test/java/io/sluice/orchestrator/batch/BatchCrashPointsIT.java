package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A coordinator killed at every step of a job (after planning, after registration, mid fan-out, after the tasks, mid
 * firing, before the report) and resumed by resubmitting: the results and the report are those of a run that was
 * never interrupted.
 */
@ExtendWith(LocalAwsExtension.class)
class BatchCrashPointsIT {

    private static final String JOB = "crash";
    private static final int OBJECTS = 6;

    @ParameterizedTest
    @ValueSource(strings = {"planned", "registered", "mid-fan-out", "tasks-done", "window-fired", "completed"})
    void aCoordinatorKilledAtAnyStep_isResumed_withIdenticalResultsAndReport(String step, LocalAws aws)
            throws Exception {
        killedAndResumed(aws, step, 1);
    }

    /** The same with two objects per task: the plan's compact items and grouped tasks resume alike. */
    @ParameterizedTest
    @ValueSource(strings = {"planned", "mid-fan-out", "window-fired"})
    void aCoordinatorOfGroupedTasksKilledAtAStep_isResumed_withIdenticalResultsAndReport(String step, LocalAws aws)
            throws Exception {
        killedAndResumed(aws, step, 2);
    }

    private static void killedAndResumed(LocalAws aws, String step, int objectsPerTask) throws Exception {
        Run reference = run(aws, null, objectsPerTask);
        Run resumed = run(aws, step, objectsPerTask);

        if (step.equals("mid-fan-out")) {
            // The tasks the dead coordinator had started are started again: honestly one more attempt each.
            assertThat(attemptsIgnored(resumed.report)).isEqualTo(attemptsIgnored(reference.report));
            assertThat(resumed.report).contains("\"attempts\" : 2");
        } else {
            assertThat(resumed.report).isEqualTo(reference.report);
        }
        assertThat(resumed.results).isEqualTo(reference.results).isNotEmpty();
    }

    private static String attemptsIgnored(String report) {
        return report.replaceAll("\"attempts\" : \\d+", "\"attempts\" : _");
    }

    private record Run(String report, Map<String, String> results) {
    }

    /** One deployment, one job; killed at {@code step} (null: never) and resubmitted. */
    private static Run run(LocalAws aws, String step, int objectsPerTask) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, "gmv-by-category");
             LocalTaskInvoker invoker = d.invoker(2)) {
            for (int i = 0; i < OBJECTS; i++) {
                d.put("in/part-" + i + ".jsonl", BatchJobGuaranteesIT.lines(BatchJobGuaranteesIT.orders(200, i)));
            }
            JobSpec spec = BatchJobGuaranteesIT.prefixJob(d, JOB, "in/").withObjectsPerTask(objectsPerTask);
            if (step != null) {
                AtomicInteger starts = new AtomicInteger();
                TaskInvoker killing = new BatchJobGuaranteesIT.ForwardingInvoker(invoker) {
                    @Override
                    public void start(String jobId, BatchTask task, int attempt, long notAfter) {
                        if (step.equals("mid-fan-out") && starts.incrementAndGet() == 3) {
                            throw new IllegalStateException("coordinator killed at " + step);
                        }
                        super.start(jobId, task, attempt, notAfter);
                    }
                };
                AtomicInteger windows = new AtomicInteger();
                BatchCoordinator dying = d.coordinator(killing).withCrashPoints(reached -> {
                    boolean firstWindow = reached.equals("window-fired") && windows.incrementAndGet() == 1;
                    if (reached.equals(step) && (!reached.equals("window-fired") || firstWindow)) {
                        throw new IllegalStateException("coordinator killed at " + step);
                    }
                });
                assertThatThrownBy(() -> dying.submit(spec)).hasMessageContaining("coordinator killed at " + step);
            }
            JobReport report = d.coordinator(invoker).submit(spec);
            assertThat(report.completed()).isTrue();
            assertThat(report.tasks()).hasSize(OBJECTS / objectsPerTask);
            // Bucket names differ per deployment; the duration is wall time.
            String normalised = report.toJson().replace(d.dataBucket, "DATA")
                    .replaceAll("\"durationMillis\" : \\d+", "\"durationMillis\" : 0");
            return new Run(normalised, d.results("results/"));
        }
    }
}

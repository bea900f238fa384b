package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out loop against a scripted invoker and the in-memory job store: retries, back-off, bounds, resumption. */
class FanOutTest {

    private static final String OWNER = "coordinator-test";
    private final InMemoryJobStore jobs = new InMemoryJobStore();

    {
        jobs.claim("job", OWNER, System.currentTimeMillis(), 3_600_000);
    }

    @Test
    void temporaryFailures_areRetriedWithExponentialBackoff_untilTheTaskSucceeds() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("TemporaryFailure:throttled",
                "TemporaryFailure:throttled", "Succeeded:lines=5 rejected=1 late=2"));
        JobSpec spec = spec().withBackoff(Duration.ofMillis(40), Duration.ofMillis(80));

        List<TaskRecord> done = run(spec, invoker, 1);

        TaskRecord t = done.get(0);
        assertThat(t.status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(t.attempts()).isEqualTo(3);
        assertThat(List.of(t.lines(), t.rejected(), t.late())).containsExactly(5L, 1L, 2L);
        List<Long> starts = invoker.startMillis.get(t.taskId());
        assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(40);
        assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(80);
        assertThat(jobs.tasks("job")).containsExactlyElementsOf(done);
    }

    @Test
    void aTemporaryFailureOnTheLastAttempt_isFinal_withItsReason() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("TemporaryFailure:SlowDown",
                "TemporaryFailure:SlowDown", "Succeeded:lines=1 rejected=0 late=0"));

        List<TaskRecord> done = run(spec().withMaxAttempts(2), invoker, 1);

        assertThat(done.get(0).status()).isEqualTo(TaskRecord.Status.FAILED);
        assertThat(done.get(0).reason()).isEqualTo("gave up after 2 attempts: SlowDown");
    }

    @Test
    void aPermanentFailure_isNeverRetried() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("PermanentFailure:object not found: s3://b/k"));

        List<TaskRecord> done = run(spec(), invoker, 2);

        assertThat(done).allMatch(t -> t.status() == TaskRecord.Status.FAILED && t.attempts() == 1)
                .allMatch(t -> t.reason().equals("object not found: s3://b/k"));
    }

    @Test
    void noMoreThanConcurrencyTasks_runAtOnce() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("Succeeded:lines=1 rejected=0 late=0"));

        List<TaskRecord> done = run(spec().withConcurrency(3), invoker, 10);

        assertThat(done).allMatch(t -> t.status() == TaskRecord.Status.SUCCEEDED);
        assertThat(invoker.maxInFlight).isEqualTo(3);
    }

    @Test
    void aTaskWithoutAnswer_timesOut_andIsStartedAgain() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("silence", "Succeeded:lines=3 rejected=0 late=0"));

        List<TaskRecord> done = run(spec().withTaskTimeout(Duration.ofMillis(50)), invoker, 1);

        assertThat(done.get(0).status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(done.get(0).attempts()).isEqualTo(2);
    }

    @Test
    void anInvocationThatCannotStart_isATemporaryFailure_retriedLikeOthers() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("throw", "Succeeded:lines=4 rejected=0 late=0"));

        List<TaskRecord> done = run(spec(), invoker, 1);

        assertThat(done.get(0).status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(done.get(0).attempts()).isEqualTo(2);
    }

    @Test
    void aPassedDeadline_stopsTheFanOut_leavingTheTasksForTheNextCoordinator() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(t -> List.of("Succeeded:lines=1 rejected=0 late=0"));
        List<TaskRecord> planned = List.of(TaskRecord.planned(new BatchTask("job-00000", "b", "k", null, 0,
                Long.MAX_VALUE)));

        List<TaskRecord> left = new FanOut(spec(), jobs, invoker, Clock.systemUTC(), planned, OWNER, () -> { }).run(Instant.now());

        assertThat(left).extracting(TaskRecord::status).containsExactly(TaskRecord.Status.PENDING);
        assertThat(invoker.startMillis).isEmpty();
    }

    @Test
    void aResumedCoordinator_restartsTheTasksALocalPoolLost_butAwaitsTasksThatOutliveIt() throws Exception {
        BatchTask task = new BatchTask("job-00000", "b", "k", null, 0, Long.MAX_VALUE);
        TaskRecord running = TaskRecord.planned(task).started(Clock.systemUTC().millis());

        ScriptedInvoker local = new ScriptedInvoker(t -> List.of("Succeeded:lines=1 rejected=0 late=0"));
        List<TaskRecord> restarted = new FanOut(spec(), jobs, local, Clock.systemUTC(), List.of(running), OWNER,
                () -> { })
                .run(Instant.MAX);
        assertThat(restarted.get(0).attempts()).isEqualTo(2);

        ScriptedInvoker lambda = new ScriptedInvoker(t -> List.of("Succeeded:lines=1 rejected=0 late=0"));
        lambda.outlives = true;
        lambda.pending.add(new TaskResult(task.taskId(), "Succeeded", "lines=1 rejected=0 late=0"));
        List<TaskRecord> awaited = new FanOut(spec(), jobs, lambda, Clock.systemUTC(), List.of(running), OWNER,
                () -> { })
                .run(Instant.MAX);
        assertThat(awaited.get(0).status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(awaited.get(0).attempts()).isEqualTo(1);
        assertThat(lambda.startMillis).isEmpty();
    }

    @Test
    void aLateAnswerOfAnAttemptGivenUpOn_isNotCreditedToTheNewAttempt() throws Exception {
        BatchTask task = new BatchTask("job-00000", "b", "k", null, 0, Long.MAX_VALUE);
        jobs.putTasks("job", List.of(TaskRecord.planned(task)), OWNER);
        List<Integer> started = new ArrayList<>();
        TaskInvoker invoker = new TaskInvoker() {
            final Deque<TaskResult> pending = new ArrayDeque<>();

            @Override
            public void start(String jobId, BatchTask t) {
                throw new AssertionError("attempts are started with their number");
            }

            @Override
            public void start(String jobId, BatchTask t, int attempt, long notAfter) {
                started.add(attempt);
                if (attempt == 2) {
                    // the first attempt's answer arrives late, after the second one started; then the second's
                    pending.add(new TaskResult(t.taskId(), "Succeeded", "lines=999 rejected=0 late=0").of(1, null));
                    pending.add(new TaskResult(t.taskId(), "Succeeded", "lines=1 rejected=0 late=0").of(2, null));
                }
            }

            @Override
            public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
                if (pending.isEmpty()) {
                    Thread.sleep(Math.min(wait.toMillis(), 20));
                    return List.of();
                }
                return List.of(pending.poll());
            }

            @Override
            public void close() {
            }
        };
        JobSpec spec = spec().withTaskTimeout(Duration.ofMillis(100));

        List<TaskRecord> done = new FanOut(spec, jobs, invoker, Clock.systemUTC(), jobs.tasks("job"), OWNER,
                () -> { }).run(Instant.MAX);

        assertThat(started).containsExactly(1, 2);
        assertThat(done.get(0).status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(done.get(0).lines()).isEqualTo(1);
    }

    @Test
    void aFailingPoll_isRetried_notThrownOutOfTheCoordinator() throws Exception {
        ScriptedInvoker scripted = new ScriptedInvoker(t -> List.of("Succeeded:lines=1 rejected=0 late=0"));
        int[] polls = {0};
        TaskInvoker throttledOnce = new TaskInvoker() {
            @Override
            public void start(String jobId, BatchTask t) {
                scripted.start(jobId, t);
            }

            @Override
            public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
                if (polls[0]++ == 0) {
                    throw software.amazon.awssdk.core.exception.SdkClientException.create("throttled");
                }
                return scripted.poll(jobId, wait);
            }

            @Override
            public void close() {
            }
        };
        BatchTask task = new BatchTask("job-00000", "b", "k", null, 0, Long.MAX_VALUE);
        jobs.putTasks("job", List.of(TaskRecord.planned(task)), OWNER);

        List<TaskRecord> done = new FanOut(spec(), jobs, throttledOnce, Clock.systemUTC(), jobs.tasks("job"), OWNER,
                () -> { }).run(Instant.MAX);

        assertThat(done.get(0).status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(polls[0]).isGreaterThan(1);
    }

    private List<TaskRecord> run(JobSpec spec, ScriptedInvoker invoker, int tasks) throws InterruptedException {
        List<TaskRecord> planned = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            planned.add(TaskRecord.planned(new BatchTask(TaskPlanner.taskId("job", i), "b", "k" + i, null, 0,
                    Long.MAX_VALUE)));
        }
        jobs.putTasks("job", planned, OWNER);
        return new FanOut(spec, jobs, invoker, Clock.systemUTC(), planned, OWNER, () -> { }).run(Instant.MAX);
    }

    private static JobSpec spec() {
        return JobSpec.of("job", "gmv-by-category", JobInput.prefix("b", ""), "out", "")
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
    }

    /** Answers each attempt of a task with the next scripted {@code code:message}; "silence" never answers. */
    private static final class ScriptedInvoker implements TaskInvoker {
        final Map<String, List<Long>> startMillis = new HashMap<>();
        final Deque<TaskResult> pending = new ArrayDeque<>();
        final Function<String, List<String>> script;
        final Map<String, Integer> attempts = new HashMap<>();
        int inFlight;
        int maxInFlight;
        boolean outlives;

        ScriptedInvoker(Function<String, List<String>> script) {
            this.script = script;
        }

        @Override
        public void start(String jobId, BatchTask task) {
            startMillis.computeIfAbsent(task.taskId(), id -> new ArrayList<>()).add(System.currentTimeMillis());
            int attempt = attempts.merge(task.taskId(), 1, Integer::sum);
            String[] answer = script.apply(task.taskId()).get(attempt - 1).split(":", 2);
            if (answer[0].equals("throw")) {
                throw software.amazon.awssdk.services.lambda.model.TooManyRequestsException.builder()
                        .message("Rate exceeded").build();
            }
            if (!answer[0].equals("silence")) {
                pending.add(new TaskResult(task.taskId(), answer[0], answer[1]));
                maxInFlight = Math.max(maxInFlight, ++inFlight);
            }
        }

        @Override
        public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
            if (pending.isEmpty()) {
                Thread.sleep(Math.min(5, wait.toMillis()));
                return List.of();
            }
            List<TaskResult> out = new ArrayList<>(pending);
            pending.clear();
            inFlight = 0;
            return out;
        }

        @Override
        public boolean outlivesCoordinator() {
            return outlives;
        }

        @Override
        public void close() {
        }
    }
}

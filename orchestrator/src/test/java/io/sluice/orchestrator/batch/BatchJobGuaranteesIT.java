package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 17, cases 1-10: the batch coordinator's guarantees on the local engines (moto_server), each case as it was
 * reproduced against the old coordinator.
 */
@ExtendWith(LocalAwsExtension.class)
class BatchJobGuaranteesIT {

    private static final String PIPELINE = "gmv-by-category";

    @Test
    void case1_aTaskFailingAfterItAppliedAChunk_makesTheJobRefuse_namingWhatItApplied(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            // Arrange: a gzip object cut short at its end, after its first 50,000-line chunk
            d.put("in/good.jsonl", lines(orders(500, 1)));
            byte[] gz = gzip(lines(orders(50_500, 2)));
            d.put("in/truncated.jsonl.gz", java.util.Arrays.copyOf(gz, gz.length - 64));
            JobSpec spec = prefixJob(d, "case-1", "in/");

            // Act
            JobReport refused = d.coordinator(invoker).submit(spec);

            // Assert: nothing fired; the report says which task failed and what it had applied
            assertThat(refused.state()).isEqualTo(JobRecord.State.REFUSED);
            assertThat(refused.completed()).isFalse();
            assertThat(refused.refusal()).contains("truncated.jsonl.gz", "truncated gzip", "it had applied 50000 lines");
            assertThat(refused.failed()).extracting(TaskRecord::applied).containsExactly(50_000L);
            assertThat(d.results("results/")).isEmpty();

            // Act: the operator's override
            JobReport partial = d.coordinator(invoker).submit(spec.withAllowPartial(true));

            // Assert: the report counts what was fired
            assertThat(partial.completed()).isTrue();
            assertThat(partial.partial()).isTrue();
            assertThat(partial.linesIn()).isEqualTo(50_500);
            assertThat(countedOrders(d, partial.jobPipeline())).isEqualTo(50_500);
        }
    }

    @Test
    void case1_aTemporaryFailureOnTheLastAttempt_alsoMakesTheJobRefuse(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker pool = d.invoker(2)) {
            d.put("in/a.jsonl", lines(orders(200, 3)));
            d.put("in/flaky.jsonl", lines(orders(200, 4)));
            FlakyInvoker invoker = new FlakyInvoker(pool, t -> t.key().endsWith("flaky.jsonl"));

            JobReport report = d.coordinator(invoker).submit(prefixJob(d, "case-1b", "in/").withMaxAttempts(2));

            assertThat(report.state()).isEqualTo(JobRecord.State.REFUSED);
            assertThat(report.refusal()).contains("flaky.jsonl", "gave up after 2 attempts", "SlowDown");
            assertThat(d.results("results/")).isEmpty();
        }
    }

    @Test
    void case2_anObjectRewrittenDuringTheJob_isAPermanentFailure_neverAMixOfTwoVersions(LocalAws aws)
            throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker pool = d.invoker(1)) {
            List<Order> orders = orders(900, 5);
            byte[] original = lines(orders);
            d.put("in/big.jsonl", original);
            List<Order> reordered = new ArrayList<>(orders);
            Collections.reverse(reordered);
            AtomicInteger starts = new AtomicInteger();
            TaskInvoker rewriting = new ForwardingInvoker(pool) {
                @Override
                public void start(String jobId, BatchTask task, int attempt, long notAfter) {
                    if (starts.incrementAndGet() == 2) {
                        d.put("in/big.jsonl", lines(reordered)); // rewritten between the range tasks
                    }
                    super.start(jobId, task, attempt, notAfter);
                }
            };
            JobSpec spec = prefixJob(d, "case-2", "in/").withMaxTaskBytes(original.length / 3 + 1).withConcurrency(1);

            JobReport report = d.coordinator(rewriting).submit(spec);

            assertThat(report.tasks()).hasSize(3);
            assertThat(report.failed()).hasSize(2).allMatch(t -> t.reason().contains("object changed since the job "
                    + "was planned"));
            assertThat(report.state()).isEqualTo(JobRecord.State.REFUSED);
            assertThat(d.results("results/")).isEmpty();
        }
    }

    @Test
    void case3_aManifestNamingAnObjectTwice_countsItOnce_andReportsTheDuplicate(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            d.put("in/part 1.jsonl", lines(orders(100, 6)));
            String manifest = d.dataBucket + ",in/part%201.jsonl\n" + d.dataBucket + ",in/part+1.jsonl\n";
            d.put("manifests/case-3.csv", manifest.getBytes(StandardCharsets.UTF_8));
            JobSpec spec = JobSpec.of("case-3", PIPELINE, JobInput.csvManifest(d.dataBucket, "manifests/case-3.csv"),
                    d.config.resultsBucket(), "batch-reports/");

            JobReport report = d.coordinator(invoker).submit(spec);

            assertThat(report.completed()).isTrue();
            assertThat(report.tasks()).hasSize(1);
            assertThat(report.linesIn()).isEqualTo(100);
            assertThat(report.duplicates()).containsExactly("s3://" + d.dataBucket + "/in/part 1.jsonl");
            assertThat(report.toJson()).contains("\"duplicatesDropped\" : 1");
            assertThat(countedOrders(d, report.jobPipeline())).isEqualTo(100);
        }
    }

    @Test
    void case4_replanningAfterACrashBetweenTheTasksAndTheJobRecord_keepsNoLeftovers(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            for (String k : List.of("a", "b", "c")) {
                d.put("in/" + k + ".jsonl", lines(orders(300, k.charAt(0))));
            }
            JobSpec spec = prefixJob(d, "case-4", "in/");
            JobStore dying = new FaultyJobStore(d.jobs(), (method, arg) -> method.equals("putJob")
                    && ((JobRecord) arg).plannedRows() > 0);
            assertThatThrownBy(() -> d.coordinator(invoker, dying, o -> o).submit(spec))
                    .hasMessageContaining("coordinator killed");
            assertThat(d.jobs().tasks("case-4")).hasSize(3);
            d.s3.deleteObject(b -> b.bucket(d.dataBucket).key("in/a.jsonl")); // expired meanwhile

            JobReport report = d.coordinator(invoker).submit(spec);

            assertThat(report.completed()).isTrue();
            assertThat(report.tasks()).extracting(t -> t.task().key()).containsExactly("in/b.jsonl", "in/c.jsonl");
            assertThat(report.linesIn()).isEqualTo(600);
            assertThat(countedOrders(d, report.jobPipeline())).isEqualTo(600);
        }
    }

    @Test
    void case5_resubmittingAJobIdWithAnotherInput_isRefusedWithAClearMessage(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            d.put("in/a.jsonl", lines(orders(100, 7)));
            d.put("other/b.jsonl", lines(orders(100, 8)));
            JobReport first = d.coordinator(invoker).submit(prefixJob(d, "case-5", "in/"));
            assertThat(first.completed()).isTrue();

            assertThatThrownBy(() -> d.coordinator(invoker).submit(prefixJob(d, "case-5", "other/")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("case-5 was first submitted with another input")
                    .hasMessageContaining("/other/");
            assertThat(d.coordinator(invoker).submit(prefixJob(d, "case-5", "in/")).toJson())
                    .isEqualTo(first.toJson());
        }
    }

    @Test
    void case6_aCrashBetweenTheFinalFiringAndTheCompletedRecord_stillReportsWhatWasFired(LocalAws aws)
            throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            d.put("in/a.jsonl", lines(orders(400, 9)));
            JobSpec spec = prefixJob(d, "case-6", "in/");
            JobStore dying = new FaultyJobStore(d.jobs(), (method, arg) -> method.equals("putJob")
                    && ((JobRecord) arg).completed());
            assertThatThrownBy(() -> d.coordinator(invoker, dying, o -> o).submit(spec))
                    .hasMessageContaining("coordinator killed");

            JobReport report = d.coordinator(invoker).submit(spec);

            Map<String, String> csvs = d.results("results/" + report.jobPipeline() + "/");
            long rows = csvs.values().stream().mapToLong(c -> c.lines().count() - 1).sum();
            assertThat(report.completed()).isTrue();
            assertThat(report.windowsFired()).isEqualTo(csvs.size()).isPositive();
            assertThat(report.rowsOut()).isEqualTo(rows).isPositive();
        }
    }

    @Test
    void case7_theLeaseIsHeldThroughTheFinalFiring_soASecondCoordinatorIsRefused(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            d.put("in/a.jsonl", lines(orders(300, 10)));
            JobSpec spec = prefixJob(d, "case-7", "in/");
            CountDownLatch firing = new CountDownLatch(1);
            BatchCoordinator slow = d.coordinator(invoker, d.jobs(), o -> new SlowOutputs(o, firing, 700))
                    .withLease(Duration.ofMillis(1_500));
            ExecutorService background = Executors.newSingleThreadExecutor();
            try {
                Future<JobReport> first = background.submit(() -> slow.submit(spec));
                assertThat(firing.await(60, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(2_000); // longer than the lease: only a heartbeat keeps it

                assertThatThrownBy(() -> d.coordinator(invoker).submit(spec))
                        .isInstanceOf(JobInProgressException.class);
                JobReport report = first.get(120, TimeUnit.SECONDS);
                assertThat(report.completed()).isTrue();
                assertThat(report.windowsFired()).isGreaterThan(2);
            } finally {
                background.shutdownNow();
            }
        }
    }

    @Test
    void case8_anAnswerIsDeletedFromTheQueueOnlyAfterItIsRecorded(LocalAws aws) throws Exception {
        var sqs = aws.sqs();
        String queue = sqs.createQueue(b -> b.queueName("outcomes-" + UUID.randomUUID().toString().substring(0, 8))
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
        LambdaTaskInvoker invoker = new LambdaTaskInvoker(null, "batch:live", sqs, queue);
        InMemoryJobStore store = new InMemoryJobStore();
        store.claim("case-8", "c", System.currentTimeMillis(), 600_000);
        BatchTask task = new BatchTask("case-8-00000", "b", "k", null, 0, Long.MAX_VALUE);
        TaskRecord running = TaskRecord.planned(task).started(System.currentTimeMillis());
        store.putTasks("case-8", List.of(running), "c");
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(destinationRecord("case-8", "case-8-00000", 1,
                "lines=500 rejected=0 late=0")));
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(destinationRecord("case-8", "case-8-99999", 1,
                "lines=7 rejected=0 late=0"))); // a task this coordinator does not wait for
        JobSpec spec = JobSpec.of("case-8", PIPELINE, JobInput.prefix("b", ""), "out", "")
                .withTaskTimeout(Duration.ofSeconds(4));

        // A throttled (or killed) write of the answer: the coordinator dies before recording it
        JobStore throttled = new FaultyJobStore(store, (method, arg) -> method.equals("putTasks"));
        assertThatThrownBy(() -> new FanOut(spec, throttled, invoker, Clock.systemUTC(), List.of(running), "c",
                () -> { }).run(Instant.MAX)).hasMessageContaining("coordinator killed");

        List<TaskRecord> done = new FanOut(spec, store, invoker, Clock.systemUTC(), store.tasks("case-8"), "c",
                () -> { }).run(Instant.MAX);

        assertThat(done.get(0).status()).isEqualTo(TaskRecord.Status.SUCCEEDED);
        assertThat(done.get(0).lines()).isEqualTo(500);
        Thread.sleep(1_100);
        assertThat(invoker.poll("case-8", Duration.ofSeconds(1))).extracting(TaskResult::taskId)
                .containsExactly("case-8-99999"); // left for whoever waits for it
    }

    @Test
    void case9_planningIsCheckpointed_andAPassedDeadlineHandsOver(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(2)) {
            StringBuilder manifest = new StringBuilder();
            for (int i = 0; i < 2_500; i++) {
                manifest.append(d.dataBucket).append(",in/gone-").append(i).append(".jsonl\n");
            }
            d.put("manifests/case-9.csv", manifest.toString().getBytes(StandardCharsets.UTF_8));
            JobSpec spec = JobSpec.of("case-9", PIPELINE, JobInput.csvManifest(d.dataBucket, "manifests/case-9.csv"),
                    d.config.resultsBucket(), "batch-reports/");

            JobReport handedOver = d.coordinator(invoker).submit(spec, Instant.now());
            assertThat(handedOver.state()).isEqualTo(JobRecord.State.PLANNING);

            JobStore dying = new FaultyJobStore(d.jobs(), (method, arg) -> method.equals("putJob")
                    && ((JobRecord) arg).plannedRows() == 2_000);
            assertThatThrownBy(() -> d.coordinator(invoker, dying, o -> o).submit(spec))
                    .hasMessageContaining("coordinator killed");
            assertThat(d.jobs().readJob("case-9").orElseThrow().plannedRows()).isEqualTo(1_000);

            assertThatThrownBy(() -> d.coordinator(invoker).withCrashPoints(step -> {
                if (step.equals("planned")) {
                    throw new IllegalStateException("stop after planning");
                }
            }).submit(spec)).hasMessageContaining("stop after planning");

            List<TaskRecord> tasks = d.jobs().tasks("case-9");
            assertThat(tasks).hasSize(2_500);
            assertThat(tasks.stream().map(t -> t.task().key()).distinct().count()).isEqualTo(2_500);
            assertThat(d.jobs().readJob("case-9").orElseThrow().state()).isEqualTo(JobRecord.State.RUNNING);
        }
    }

    @Test
    void case10_anExpiredAttempt_isRefusedByTheBatchFunction(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(1)) {
            d.put("in/a.jsonl", lines(orders(10, 11)));
            BatchTask task = new BatchTask("case-10-00000", d.dataBucket, "in/a.jsonl", null, 0, Long.MAX_VALUE);

            invoker.start("case-10", task, 3, System.currentTimeMillis() - 1);

            List<TaskResult> answer = invoker.poll("case-10", Duration.ofSeconds(30));
            assertThat(answer).hasSize(1);
            assertThat(answer.get(0).attempt()).isEqualTo(3);
            assertThat(answer.get(0).code()).isEqualTo(TaskResult.PERMANENT_FAILURE);
            assertThat(answer.get(0).message()).contains("attempt expired");
            assertThat(d.store().readSplit(PIPELINE + "-case-10", "case-10-00000").map(s -> s.status().name()))
                    .isNotEqualTo(java.util.Optional.of("FINISHED"));
        }
    }

    // ---- fixtures

    static JobSpec prefixJob(LocalBatchDeployment d, String jobId, String prefix) {
        return JobSpec.of(jobId, PIPELINE, JobInput.prefix(d.dataBucket, prefix), d.config.resultsBucket(),
                "batch-reports/").withConcurrency(2).withBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    static List<Order> orders(int n, long seed) {
        List<Order> out = new ArrayList<>();
        OrdersGenerator.builder().records(n).seed(seed).duration(Duration.ofMinutes(3)).build().forEach(out::add);
        return out;
    }

    static byte[] lines(List<Order> orders) {
        StringBuilder b = new StringBuilder();
        orders.forEach(o -> b.append(o.toJson()).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Orders counted in the job's result CSVs ({@code window_start_ms,category,count,sum_cents}). */
    static long countedOrders(LocalBatchDeployment d, String jobPipeline) {
        long n = 0;
        for (String csv : d.results("results/" + jobPipeline + "/").values()) {
            n += csv.lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        }
        return n;
    }

    static String destinationRecord(String job, String task, int attempt, String message) {
        return "{\"version\":\"1.0\",\"requestContext\":{\"requestId\":\"" + UUID.randomUUID()
                + "\",\"condition\":\"Success\",\"approximateInvokeCount\":1},"
                + "\"requestPayload\":{\"jobId\":\"" + job + "\",\"fire\":\"none\",\"tasks\":[{\"taskId\":\"" + task
                + "\",\"bucket\":\"b\",\"key\":\"k\",\"attempt\":" + attempt + "}]},"
                + "\"responsePayload\":{\"jobId\":\"" + job + "\",\"results\":[{\"taskId\":\"" + task
                + "\",\"resultCode\":\"Succeeded\",\"resultString\":\"" + message + "\"}]}}";
    }

    /** Passes everything to another invoker. */
    static class ForwardingInvoker implements TaskInvoker {
        private final TaskInvoker delegate;

        ForwardingInvoker(TaskInvoker delegate) {
            this.delegate = delegate;
        }

        @Override
        public void start(String jobId, BatchTask task) {
            start(jobId, task, 0, 0);
        }

        @Override
        public void start(String jobId, BatchTask task, int attempt, long notAfter) {
            delegate.start(jobId, task, attempt, notAfter);
        }

        @Override
        public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
            return delegate.poll(jobId, wait);
        }

        @Override
        public void ack(TaskResult result) {
            delegate.ack(result);
        }

        @Override
        public void close() {
        }
    }

    /** Answers TemporaryFailure (SlowDown) for the tasks {@code flaky} picks, without running them. */
    static final class FlakyInvoker extends ForwardingInvoker {
        private final Predicate<BatchTask> flaky;
        private final Queue<TaskResult> own = new ConcurrentLinkedQueue<>();

        FlakyInvoker(TaskInvoker delegate, Predicate<BatchTask> flaky) {
            super(delegate);
            this.flaky = flaky;
        }

        @Override
        public void start(String jobId, BatchTask task, int attempt, long notAfter) {
            if (flaky.test(task)) {
                own.add(TaskResult.temporaryFailure(task.taskId(), "SlowDown").of(attempt, null));
            } else {
                super.start(jobId, task, attempt, notAfter);
            }
        }

        @Override
        public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
            List<TaskResult> out = new ArrayList<>();
            for (TaskResult r; (r = own.poll()) != null; ) {
                out.add(r);
            }
            out.addAll(super.poll(jobId, out.isEmpty() ? wait : Duration.ofMillis(1)));
            return out;
        }
    }

    /** Results outputs that take {@code millis} per window: a final firing longer than the lease. */
    static final class SlowOutputs implements Outputs {
        private final Outputs delegate;
        private final CountDownLatch firing;
        private final long millis;

        SlowOutputs(Outputs delegate, CountDownLatch firing, long millis) {
            this.delegate = delegate;
            this.firing = firing;
            this.millis = millis;
        }

        @Override
        public void results(List<ResultRow> rows) {
            firing.countDown();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delegate.results(rows);
        }

        @Override
        public void late(LateRecord record) {
            delegate.late(record);
        }

        @Override
        public void rejected(RejectedRecord record) {
            delegate.rejected(record);
        }

        @Override
        public void flush(String split) {
            delegate.flush(split);
        }
    }
}

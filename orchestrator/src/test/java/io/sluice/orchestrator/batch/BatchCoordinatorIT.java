package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.SplitStatus;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batch coordinator end to end on the local engines: 20 generated order objects (one gzip, one large enough to
 * be cut into three byte ranges), one malformed object and one missing, listed in a CSV manifest with URL-encoded
 * keys; the batch function runs in a local pool of instances.
 */
@ExtendWith(LocalAwsExtension.class)
class BatchCoordinatorIT {

    private static final String PIPELINE = "gmv-by-category";
    private static final int OBJECTS = 20;
    private static final int ORDERS_PER_OBJECT = 500;
    /** Object 7 holds three objects' worth of orders and is cut into ranges; object 3 is gzip. */
    private static final int LARGE = 7;
    private static final int GZIP = 3;
    private static final long MAX_TASK_BYTES = 64 * 1024;
    private static final String BROKEN = "orders/2020-11-11/part 20 broken.jsonl.gz";
    private static final String MISSING = "orders/2020-11-11/part 21 missing+gone.jsonl";

    private static final List<byte[]> objects = new ArrayList<>();
    private static long goodOrders;
    private static List<String> expectedRows;

    @BeforeAll
    static void generate() throws IOException {
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records((OBJECTS + 2) * ORDERS_PER_OBJECT).seed(2020_11_11)
                .duration(Duration.ofMinutes(5)).maxDisorder(Duration.ofSeconds(5)).build().forEach(orders::add);
        goodOrders = orders.size();
        int next = 0;
        for (int i = 0; i < OBJECTS; i++) {
            int n = i == LARGE ? 3 * ORDERS_PER_OBJECT : ORDERS_PER_OBJECT;
            byte[] lines = jsonLines(orders.subList(next, next + n));
            objects.add(i == GZIP ? gzip(lines) : lines);
            next += n;
        }
        // The in-memory run over the same good orders, through the production runtime.
        Path file = Files.createTempFile("batch-coordinator-it", ".jsonl");
        try {
            Files.write(file, jsonLines(orders));
            CollectingOutputs outputs = Outputs.collecting();
            CompiledPipeline compiled = CompiledPipeline.compile(GmvPipelines.byCategory());
            LocalRunner.batch(1, 10_000).run(compiled, LocalInput.of(file), new InMemoryStateStore(), outputs);
            ResultCsv csv = ResultCsv.of(GmvPipelines.byCategory());
            expectedRows = outputs.finalResults().stream().map(csv::line).toList();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void job_namesTheMalformedAndMissingObjects_countsTheOthersOnce_andMatchesTheInMemoryRun(LocalAws aws)
            throws Exception {
        // Arrange
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(4)) {
            JobSpec spec = upload(d, "nightly-1");
            CountingInvoker counting = new CountingInvoker(invoker);

            // Act: all or nothing, so the failed tasks make the job refuse to fire
            long started = System.nanoTime();
            JobReport refused = d.coordinator(counting).submit(spec);

            // Assert: nothing fired, and the report names the failed tasks and what they applied
            assertThat(refused.completed()).isFalse();
            assertThat(refused.state()).isEqualTo(JobRecord.State.REFUSED);
            assertThat(refused.refusal()).contains("2 task(s) failed", "nightly-1-00022", "nightly-1-00023",
                    "it had applied 0 lines");
            assertThat(d.results("results/")).isEmpty();
            assertThat(d.results(spec.reportKey()).get(spec.reportKey())).isEqualTo(refused.toJson());

            // Act: the operator allows the partial result
            JobReport report = d.coordinator(counting).submit(spec.withAllowPartial(true));
            long millis = (System.nanoTime() - started) / 1_000_000;

            // Assert
            assertThat(report.completed()).isTrue();
            assertThat(report.partial()).isTrue();
            assertThat(report.tasks()).hasSize(OBJECTS + 2 + 2); // the large object is three tasks
            assertThat(report.failed()).extracting(t -> t.task().key())
                    .containsExactlyInAnyOrder(BROKEN, MISSING);
            assertThat(reason(report, BROKEN)).contains("malformed gzip");
            assertThat(reason(report, MISSING)).contains("object not found");
            assertThat(report.linesIn()).isEqualTo(goodOrders);
            assertThat(report.rejected()).isZero();
            assertThat(report.late()).isZero();
            assertThat(report.watermark()).isEqualTo(Long.MAX_VALUE);
            assertThat(report.rowsOut()).isEqualTo(expectedRows.size());
            assertThat(report.jobPipeline()).isEqualTo(PIPELINE + "-nightly-1");
            assertThat(resultRows(d, report.jobPipeline())).isEqualTo(expectedRows);
            assertThat(d.results(spec.reportKey()).get(spec.reportKey())).isEqualTo(report.toJson());
            assertThat(d.store().splits(report.jobPipeline())).hasSize(report.tasks().size())
                    .allMatch(s -> s.status() == SplitStatus.FINISHED);
            assertThat(d.store().splits(PIPELINE)).as("the live pipeline's splits").isEmpty();
            System.out.printf("Batch job: %d tasks, %d lines, %d windows, %d rows, coordinator %d ms, job %d ms%n",
                    report.tasks().size(), report.linesIn(), report.windowsFired(), report.rowsOut(), millis,
                    report.durationMillis());

            // Act: the same job again
            Map<String, String> resultsBefore = d.results("results/");
            JobReport again = d.coordinator(counting).submit(spec.withAllowPartial(true));

            // Assert: nothing re-run, nothing re-fired, the same report
            assertThat(counting.starts.get()).isEqualTo(report.tasks().stream().mapToInt(TaskRecord::attempts).sum());
            assertThat(again.toJson()).isEqualTo(report.toJson());
            assertThat(d.results("results/")).isEqualTo(resultsBefore);
        }
    }

    @Test
    void coordinatorKilledMidway_isResumedByResubmitting_withIdenticalResults(LocalAws aws) throws Exception {
        // Arrange
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE)) {
            JobSpec spec = upload(d, "nightly-2").withAllowPartial(true);
            try (LocalTaskInvoker invoker = d.invoker(4)) {
                // Act: the coordinator dies when it starts its 10th task
                assertThatThrownBy(() -> d.coordinator(new KillingInvoker(invoker, 9)).submit(spec))
                        .hasMessageContaining("coordinator killed");
            } // closing the pool lets the tasks it was running end

            // Assert: work was done, nothing fired while tasks were unread
            List<TaskRecord> midway = d.jobs().tasks(spec.jobId());
            assertThat(midway).anyMatch(t -> t.status() == TaskRecord.Status.SUCCEEDED);
            assertThat(midway).anyMatch(t -> t.status() == TaskRecord.Status.PENDING);
            assertThat(d.results("results/")).isEmpty();

            // Act: resubmit
            JobReport report;
            long started = System.nanoTime();
            try (LocalTaskInvoker invoker = d.invoker(4)) {
                report = d.coordinator(invoker).submit(spec);
            }
            System.out.printf("Killed after 9 starts: %d of %d tasks succeeded; resumed job done in %d ms, %d attempts%n",
                    midway.stream().filter(t -> t.status() == TaskRecord.Status.SUCCEEDED).count(), midway.size(),
                    (System.nanoTime() - started) / 1_000_000,
                    report.tasks().stream().mapToInt(TaskRecord::attempts).sum());

            // Assert
            assertThat(report.completed()).isTrue();
            assertThat(report.failed()).extracting(t -> t.task().key()).containsExactlyInAnyOrder(BROKEN, MISSING);
            assertThat(report.linesIn()).isEqualTo(goodOrders);
            assertThat(resultRows(d, report.jobPipeline())).isEqualTo(expectedRows);
        }
    }

    @Test
    void secondCoordinator_isRefused_whileAnotherHoldsTheJobsLease(LocalAws aws) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, PIPELINE);
             LocalTaskInvoker invoker = d.invoker(1)) {
            JobSpec spec = upload(d, "nightly-3");
            assertThat(d.jobs().claim(spec.jobId(), "coordinator-elsewhere", System.currentTimeMillis(), 60_000))
                    .isTrue();

            assertThatThrownBy(() -> d.coordinator(invoker).submit(spec)).isInstanceOf(JobInProgressException.class)
                    .hasMessageContaining("nightly-3");
            assertThat(d.jobs().readJob(spec.jobId())).isEmpty();
        }
    }

    /** Data objects and the CSV manifest (keys URL-encoded, as S3 writes them). */
    private static JobSpec upload(LocalBatchDeployment d, String jobId) {
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < OBJECTS; i++) {
            String key = String.format("orders/2020-11-11/part %02d.jsonl", i) + (i == GZIP ? ".gz" : "");
            d.put(key, objects.get(i));
            manifest.append(d.dataBucket).append(',').append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('\n');
        }
        // A gzip header whose compression method is not deflate: the stream cannot even start.
        d.put(BROKEN, new byte[] {0x1F, (byte) 0x8B, 0x42, 0, 0, 0, 0, 0, 0, 0, 'n', 'o', 't'});
        for (String key : List.of(BROKEN, MISSING)) {
            manifest.append(d.dataBucket).append(',').append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('\n');
        }
        d.put("manifests/" + jobId + ".csv", manifest.toString().getBytes(StandardCharsets.UTF_8));
        return JobSpec.of(jobId, PIPELINE, JobInput.csvManifest(d.dataBucket, "manifests/" + jobId + ".csv"),
                d.config.resultsBucket(), "batch-reports/")
                .withConcurrency(4).withMaxTaskBytes(MAX_TASK_BYTES)
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    /** Data rows of every result CSV of the job, in key order (window start), without their headers. */
    private static List<String> resultRows(LocalBatchDeployment d, String jobPipeline) {
        List<String> rows = new ArrayList<>();
        for (String csv : d.results("results/" + jobPipeline + "/").values()) {
            List<String> lines = csv.lines().toList();
            assertThat(lines.get(0)).isEqualTo(ResultCsv.of(GmvPipelines.byCategory()).header());
            rows.addAll(lines.subList(1, lines.size()));
        }
        return rows;
    }

    private static String reason(JobReport report, String key) {
        return report.tasks().stream().filter(t -> t.task().key().equals(key)).findFirst().orElseThrow().reason();
    }

    private static byte[] jsonLines(List<Order> orders) {
        StringBuilder b = new StringBuilder();
        orders.forEach(o -> b.append(o.toJson()).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Counts the tasks started. */
    private static final class CountingInvoker implements TaskInvoker {
        final AtomicInteger starts = new AtomicInteger();
        private final TaskInvoker delegate;

        CountingInvoker(TaskInvoker delegate) {
            this.delegate = delegate;
        }

        @Override
        public void start(String jobId, BatchTask task) {
            starts.incrementAndGet();
            delegate.start(jobId, task);
        }

        @Override
        public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
            return delegate.poll(jobId, wait);
        }

        @Override
        public void close() {
        }
    }

    /** Simulates a coordinator that dies: throws instead of starting task {@code k + 1}. */
    private static final class KillingInvoker implements TaskInvoker {
        private final TaskInvoker delegate;
        private final int k;
        private int started;

        KillingInvoker(TaskInvoker delegate, int k) {
            this.delegate = delegate;
            this.k = k;
        }

        @Override
        public void start(String jobId, BatchTask task) {
            if (started++ == k) {
                throw new IllegalStateException("coordinator killed before starting " + task.taskId());
            }
            delegate.start(jobId, task);
        }

        @Override
        public List<TaskResult> poll(String jobId, Duration wait) throws InterruptedException {
            return delegate.poll(jobId, wait);
        }

        @Override
        public void close() {
        }
    }
}

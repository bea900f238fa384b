package io.sluice.orchestrator.batch;

import io.sluice.functions.examples.Order;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, never run by the build: a CSV manifest of {@code -Dsluice.bench.rows} objects (one order each) planned
 * and completed on the local engines by coordinators that each get {@code -Dsluice.bench.invocationSeconds} (the
 * function's 15 minutes less the hand-over minute by default) and hand over to the next, as the Lambda function does;
 * {@code -Dsluice.bench.objectsPerTask} small objects per task (default 1,000). {@link ManyObjectsJobIT} runs it at
 * CI size.
 *
 * <pre>
 * mvn -B -o -pl orchestrator -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=LargeManifestBench -Dsluice.bench.rows=100000 [-Dsluice.bench.stopAfter=registered]
 * </pre>
 */
@ExtendWith(LocalAwsExtension.class)
@EnabledIfSystemProperty(named = "sluice.bench.rows", matches = "\\d+")
class LargeManifestBench {

    @Test
    void largeManifest_isPlannedAndCompleted_withinTheFunctionTimeoutOrByHandOver(LocalAws aws) throws Exception {
        Result r = run(aws, Integer.getInteger("sluice.bench.rows"), Integer.getInteger("sluice.bench.objectsPerTask",
                        1_000), Integer.getInteger("sluice.bench.concurrency", 16),
                Long.getLong("sluice.bench.invocationSeconds", 14 * 60) * 1000,
                System.getProperty("sluice.bench.stopAfter", ""));
        if (r.report() != null) {
            assertThat(r.report().completed()).isTrue();
            assertThat(r.report().linesIn()).isEqualTo(r.rows());
        }
    }

    /**
     * What one run measured.
     *
     * @param report the last coordinator's report, null if stopped after a step
     * @param steps  milliseconds from the first submission to each step ({@code planned}, {@code registered},
     *               {@code tasks-done}, {@code completed})
     */
    record Result(int rows, JobReport report, Map<String, Long> steps, long totalMillis, int invocations,
                  long countedOrders) {
    }

    /**
     * Uploads {@code rows} objects of one order each and their CSV manifest, then submits the job until it completes,
     * each coordinator with {@code invocationMillis} before it hands over.
     *
     * @param stopAfter a step to stop after (timing planning only), or empty
     */
    static Result run(LocalAws aws, int rows, int objectsPerTask, int concurrency, long invocationMillis,
                      String stopAfter) throws Exception {
        try (LocalBatchDeployment d = new LocalBatchDeployment(aws, "gmv-by-category");
             LocalTaskInvoker invoker = d.invoker(concurrency)) {
            long t0 = System.nanoTime();
            StringBuilder manifest = new StringBuilder();
            ExecutorService uploads = Executors.newFixedThreadPool(16);
            List<Future<?>> puts = new ArrayList<>();
            long baseTs = 1_605_052_800_000L;
            for (int i = 0; i < rows; i++) {
                String key = String.format("orders/part-%06d.jsonl", i);
                Order o = new Order("o-" + i, "u-" + (i % 997), "c-" + (i % 40), 100 + i % 5000,
                        baseTs + (i * 37L) % 3_600_000);
                byte[] body = (o.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
                puts.add(uploads.submit(() -> d.put(key, body)));
                manifest.append(d.dataBucket).append(',').append(key).append('\n');
            }
            for (Future<?> f : puts) {
                f.get();
            }
            uploads.shutdown();
            d.put("manifests/bench.csv", manifest.toString().getBytes(StandardCharsets.UTF_8));
            System.out.printf("Bench setup: %d objects uploaded in %d ms%n", rows, (System.nanoTime() - t0) / 1_000_000);

            JobSpec spec = JobSpec.of("bench", "gmv-by-category", JobInput.csvManifest(d.dataBucket,
                    "manifests/bench.csv"), d.config.resultsBucket(), "batch-reports/").withConcurrency(concurrency)
                    .withObjectsPerTask(objectsPerTask);
            Map<String, Long> steps = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            JobReport report;
            int invocations = 0;
            do {
                invocations++;
                BatchCoordinator coordinator = d.coordinator(invoker).withCrashPoints(step -> {
                    steps.putIfAbsent(step, (System.nanoTime() - start) / 1_000_000);
                    if (step.equals(stopAfter)) {
                        throw new StopBench();
                    }
                });
                try {
                    report = coordinator.submit(spec, Instant.now().plusMillis(invocationMillis));
                } catch (StopBench stopped) {
                    System.out.printf("Bench: %d rows, %d tasks; planned at %s ms, registered at %s ms (stopped)%n",
                            rows, d.jobs().tasks("bench").size(), steps.get("planned"), steps.get("registered"));
                    return new Result(rows, null, steps, (System.nanoTime() - start) / 1_000_000, invocations, -1);
                }
                System.out.printf("Bench invocation %d: state %s after %d ms%n", invocations, report.state(),
                        (System.nanoTime() - start) / 1_000_000);
            } while (!report.completed() && invocations < 20);
            long total = (System.nanoTime() - start) / 1_000_000;
            long counted = BatchJobGuaranteesIT.countedOrders(d, report.jobPipeline());

            System.out.printf("Bench: %d rows, %d objects per task, %d tasks, %d lines, %d orders counted, %d windows, "
                    + "%d rows out; planned at %s ms, registered at %s ms, tasks done at %s ms, completed at %s ms; "
                    + "total %d ms in %d invocation(s)%n", rows, objectsPerTask, report.tasks().size(),
                    report.linesIn(), counted, report.windowsFired(), report.rowsOut(), steps.get("planned"),
                    steps.get("registered"), steps.get("tasks-done"), steps.get("completed"), total, invocations);
            return new Result(rows, report, steps, total, invocations, counted);
        }
    }

    private static final class StopBench extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}

package io.sluice.orchestrator.nightly;

import io.sluice.functions.archive.RawArchive;
import io.sluice.orchestrator.batch.BatchCoordinator;
import io.sluice.orchestrator.batch.JobInput;
import io.sluice.orchestrator.batch.JobReport;
import io.sluice.orchestrator.batch.JobSpec;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The nightly recomputation of one day: the batch coordinator over the day's raw input archive
 * ({@link RawArchive#dayPrefix}) as job {@code nightly-<day>} (its rows are pipeline {@code <pipeline>-nightly-<day>}),
 * then the {@link ConsistencyCheck} of its rows against the live rows of the day's windows, the report stored in the
 * results table and as {@code results/<pipeline>/consistency/<day>.json} next to the result CSVs, and one metrics line
 * (CloudWatch EMF, namespace {@code Sluice}, dimension {@code Pipeline}): {@code WindowsDiffering},
 * {@code WindowsCompared} and {@code NightlyChecksCompleted} = 1, which the template's alarms watch.
 *
 * <p>Days are UTC days, as the archive files them. Re-running a day is idempotent: the job is the same job (the
 * coordinator resumes or returns it), and the report and object are overwritten with the new verdict.
 *
 * <pre>{@code
 * NightlyJob.Outcome o = nightly.run(LocalDate.parse("2026-11-10"), deadline);
 * o.report().status();   // "CONSISTENT"
 * }</pre>
 */
public final class NightlyJob {

    private final BatchCoordinator coordinator;
    private final ConsistencyCheck check;
    private final S3Client s3;
    private final String pipeline;
    private final String archiveBucket;
    private final String resultsBucket;
    private final Clock clock;
    private final PrintStream metrics;
    private int concurrencyCap = Integer.MAX_VALUE;

    public NightlyJob(BatchCoordinator coordinator, ConsistencyCheck check, S3Client s3, String pipeline,
                      String archiveBucket, String resultsBucket, Clock clock, PrintStream metrics) {
        this.coordinator = coordinator;
        this.check = check;
        this.s3 = s3;
        this.pipeline = pipeline;
        this.archiveBucket = archiveBucket;
        this.resultsBucket = resultsBucket;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * The outcome of one run.
     *
     * @param job    the batch job's report
     * @param report the consistency verdict, or null when the job is not complete yet (submit the day again)
     */
    public record Outcome(JobReport job, ConsistencyReport report) {
        public boolean finished() {
            return report != null;
        }
    }

    /** Caps the job's concurrent tasks (the batch function's reserved concurrency, {@code SLUICE_BATCH_CONCURRENCY}). */
    public NightlyJob withConcurrencyCap(int cap) {
        this.concurrencyCap = cap;
        return this;
    }

    /**
     * The archive holds one small object per shard and batch (a busy shard polled every second writes 86,400 a day),
     * so one task reads many of them in order as one split; a group is also capped by the job's bytes per task.
     */
    static final int ARCHIVE_OBJECTS_PER_TASK = 500;

    /** The day before {@code now}'s UTC day. */
    public static LocalDate yesterday(Instant now) {
        return now.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1);
    }

    public static String jobId(LocalDate day) {
        return "nightly-" + day;
    }

    /** Runs (or resumes) the day's job until {@code deadline}; checks it when it is complete. */
    public Outcome run(LocalDate day, Instant deadline) throws InterruptedException {
        JobSpec spec = JobSpec.of(jobId(day), pipeline,
                JobInput.prefix(archiveBucket, RawArchive.dayPrefix(pipeline, day)), resultsBucket, "batch-reports/");
        JobReport job = coordinator.submit(spec.withConcurrency(Math.min(spec.concurrency(), concurrencyCap))
                .withObjectsPerTask(ARCHIVE_OBJECTS_PER_TASK), deadline);
        if (!job.completed()) {
            return new Outcome(job, null);
        }
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        ConsistencyReport report = check.compareAndStore(pipeline, job.jobPipeline(), day.toString(), from, to,
                clock.millis());
        s3.putObject(b -> b.bucket(resultsBucket).key("results/" + pipeline + "/consistency/" + day + ".json")
                .contentType("application/json"), RequestBody.fromString(report.json()));
        metrics.println(emf(report));
        return new Outcome(job, report);
    }

    String emf(ConsistencyReport report) {
        return "{\"_aws\":{\"Timestamp\":" + clock.millis() + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Sluice\","
                + "\"Dimensions\":[[\"Pipeline\"]],\"Metrics\":[{\"Name\":\"WindowsDiffering\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"WindowsCompared\",\"Unit\":\"Count\"},{\"Name\":\"NightlyChecksCompleted\","
                + "\"Unit\":\"Count\"}]}]},\"Pipeline\":\"" + pipeline + "\",\"Day\":\"" + report.day() + "\","
                + "\"Status\":\"" + report.status() + "\",\"WindowsDiffering\":" + report.windowsDiffering()
                + ",\"WindowsCompared\":" + report.windowsCompared() + ",\"NightlyChecksCompleted\":1}";
    }
}

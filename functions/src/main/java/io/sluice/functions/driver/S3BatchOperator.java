package io.sluice.functions.driver;

import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.state.coordination.BatchTask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipException;

/**
 * The batch side of a Lambda instance: runs each task's object as a split in {@link SplitProcessor.Mode#BATCH},
 * then fires what the global watermark passed (everything, once every split of the job is finished). All tasks of
 * an invocation are registered as pending before the first one runs, so a finished task never lets the watermark
 * jump past a sibling that has not started; the orchestrator registers the tasks of a whole job the same way, or
 * asks for no firing ({@link S3BatchInvocation#firing}) and fires once at the end of the job.
 *
 * <p>Each job runs as its own pipeline, {@code <pipeline>-<job id>} ({@code job.id} of S3 Batch Operations, {@code
 * jobId} of the orchestrator's event), so a nightly recomputation next to the live pipeline in the same tables
 * neither adds to the live windows nor holds the live watermark back; its results land under its own name.
 *
 * <p>Result codes: {@code Succeeded} (rejected lines went to the dead-letter sink and are counted in the
 * {@code resultString}); {@code TemporaryFailure} for throttling, 5xx, network errors and state store failures
 * (the retry resumes after the last applied chunk); {@code PermanentFailure} for a missing object, access denied,
 * a malformed gzip stream, a byte range of a gzip object, or a file in which no line could be decoded.
 *
 * <pre>{@code
 * S3BatchOperator operator = LambdaWiring.fromEnvironment().s3BatchOperator(Clock.systemUTC(), System.out);
 * JsonNode response = operator.handle(event);   // S3 Batch Operations response, or {"results":[...]}
 * }</pre>
 */
public final class S3BatchOperator {

    public static final String SUCCEEDED = "Succeeded";
    public static final String TEMPORARY_FAILURE = "TemporaryFailure";
    public static final String PERMANENT_FAILURE = "PermanentFailure";

    private static final System.Logger LOG = System.getLogger(S3BatchOperator.class.getName());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CompiledPipeline base;
    /** Each job runs as its own pipeline ({@code PipelineDefinition.forJob}); one run per job and instance. */
    private final Map<String, PipelineRun> jobs = new ConcurrentHashMap<>();
    private PipelineRun baseRun;
    private final StateStore store;
    private final SinkOutputs outputs;
    private final S3Client s3;
    private final Clock clock;
    private final EmfMetrics emf;
    private final RunMetrics metrics = new RunMetrics();

    public S3BatchOperator(CompiledPipeline pipeline, StateStore store, SinkOutputs outputs, S3Client s3, Clock clock,
                           EmfMetrics emf) {
        this.base = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.s3 = s3;
        this.clock = clock;
        this.emf = emf;
    }

    /** Runs the invocation's tasks and answers in the invocation's schema. */
    public ObjectNode handle(JsonNode event) {
        long started = System.nanoTime();
        long now = clock.millis();
        List<BatchTask> tasks = S3BatchInvocation.tasks(event);
        S3BatchInvocation.Firing firing = S3BatchInvocation.firing(event);
        PipelineRun run = runOf(S3BatchInvocation.jobId(event));
        CompiledPipeline pipeline = run.pipeline();
        List<ObjectNode> results = new ArrayList<>();
        try {
            run.register(tasks.stream().map(BatchTask::taskId).toList());
        } catch (RuntimeException e) {
            tasks.forEach(t -> results.add(failed(pipeline, t, TEMPORARY_FAILURE, e)));
        }
        if (results.isEmpty()) {
            for (BatchTask task : tasks) {
                results.add(result(run, task, now));
            }
            if (firing == S3BatchInvocation.Firing.AUTO && !tasks.isEmpty() || firing == S3BatchInvocation.Firing.COMPLETE) {
                fire(run, tasks, results, now);
            }
        }
        emf.emit(metrics, 0, -1, (System.nanoTime() - started) / 1_000_000, now);
        return response(event, results);
    }

    /**
     * The job's own pipeline, so its task splits, partials and results never mix with the live pipeline's or another
     * job's in shared tables; an event without a job id runs the pipeline under its own name (a deployment of its
     * own, such as the demo's batch stack).
     */
    private PipelineRun runOf(String jobId) {
        if (jobId == null) {
            synchronized (this) {
                if (baseRun == null) {
                    baseRun = PipelineRun.batch(base, store, outputs, metrics).withOwnerPrefix("batch");
                }
                return baseRun;
            }
        }
        return jobs.computeIfAbsent(jobId, id -> PipelineRun.batch(CompiledPipeline.compile(base.definition().forJob(id)),
                store, outputs, metrics).withOwnerPrefix("batch"));
    }

    private ObjectNode result(PipelineRun run, BatchTask task, long now) {
        CompiledPipeline pipeline = run.pipeline();
        long rejectedBefore = metrics.rejected();
        long lateBefore = metrics.late();
        if (task.expired(now)) {
            return outcome(task, PERMANENT_FAILURE, "attempt expired: the orchestrator gave up on it at "
                    + task.notAfterMillis() + " (not started)");
        }
        try {
            long lines = task.more().isEmpty()
                    ? S3ObjectTask.run(s3, task.bucket(), task.key(), task.versionId(), task.etag(),
                            task.rangeStart(), task.rangeEnd(), run, task.taskId(), now)
                    : S3ObjectTask.run(s3, task.objects().stream()
                            .map(p -> new S3ObjectTask.Part(p.bucket(), p.key(), p.versionId(), p.etag())).toList(),
                            run, task.taskId(), now);
            long rejected = metrics.rejected() - rejectedBefore;
            if (lines > 0 && rejected == lines) {
                return outcome(task, PERMANENT_FAILURE, "malformed file: none of its " + lines
                        + " lines could be decoded (see the dead-letter queue)");
            }
            return outcome(task, SUCCEEDED, "lines=" + lines + " rejected=" + rejected + " late="
                    + (metrics.late() - lateBefore));
        } catch (NoSuchKeyException e) {
            return outcome(task, PERMANENT_FAILURE, "object not found: "
                    + (task.more().isEmpty() ? uri(task) : e.getMessage()));
        } catch (S3ObjectTask.RangeOfCompressedObjectException e) {
            return outcome(task, PERMANENT_FAILURE, e.getMessage());
        } catch (ZipException e) {
            return outcome(task, PERMANENT_FAILURE, "malformed gzip in " + uri(task) + ": " + e.getMessage());
        } catch (EOFException e) {
            // Only the gzip reader throws EOFException (plain reads just end): a truncated gzip stream.
            return outcome(task, PERMANENT_FAILURE, "truncated gzip in " + uri(task) + ": " + e.getMessage());
        } catch (IOException | SdkClientException | StateStoreException e) {
            return failed(pipeline, task, TEMPORARY_FAILURE, e);
        } catch (AwsServiceException e) {
            return failed(pipeline, task, transientStatus(e) ? TEMPORARY_FAILURE : PERMANENT_FAILURE, e);
        } catch (RuntimeException e) {
            return failed(pipeline, task, PERMANENT_FAILURE, e);
        }
    }

    /** Throttling and 5xx are worth a retry; 403 and other 4xx are not. */
    static boolean transientStatus(AwsServiceException e) {
        return e.isThrottlingException() || e.statusCode() >= 500 || e.statusCode() == 429
                || (e instanceof S3Exception && "SlowDown".equals(e.awsErrorDetails().errorCode()));
    }

    /** Fires what the watermark passed; a failed firing turns the last succeeded task into a retry. */
    private void fire(PipelineRun run, List<BatchTask> tasks, List<ObjectNode> results, long now) {
        try {
            run.fire(now);
        } catch (RuntimeException e) {
            if (tasks.isEmpty()) {
                throw e;
            }
            for (int i = results.size() - 1; i >= 0; i--) {
                if (SUCCEEDED.equals(results.get(i).path("resultCode").textValue())) {
                    results.set(i, failed(run.pipeline(), tasks.get(i), TEMPORARY_FAILURE, e));
                    break;
                }
            }
        }
    }

    private ObjectNode failed(CompiledPipeline pipeline, BatchTask task, String code, Exception e) {
        LOG.log(Level.WARNING, "Batch task failed. pipeline=[{0}] task=[{1}] object=[{2}] result=[{3}] cause=[{4}]",
                pipeline.name(), task.taskId(), uri(task), code, e.toString());
        return outcome(task, code, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static ObjectNode outcome(BatchTask task, String code, String message) {
        return JSON.createObjectNode().put("taskId", task.taskId()).put("resultCode", code)
                .put("resultString", message);
    }

    private static String uri(BatchTask task) {
        return "s3://" + task.bucket() + "/" + task.key();
    }

    private static ObjectNode response(JsonNode event, List<ObjectNode> results) {
        ObjectNode response = JSON.createObjectNode();
        if (S3BatchInvocation.isS3BatchOperations(event)) {
            response.put("invocationSchemaVersion", event.path("invocationSchemaVersion").asText());
            response.put("treatMissingKeysAs", PERMANENT_FAILURE);
            response.put("invocationId", event.path("invocationId").asText());
        } else if (event.hasNonNull("jobId")) {
            response.put("jobId", event.path("jobId").asText());
        }
        ArrayNode array = response.putArray("results");
        results.forEach(array::add);
        return response;
    }

    /** The instance's cumulative counters. */
    public RunMetrics metrics() {
        return metrics;
    }
}

package io.sluice.orchestrator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.orchestrator.batch.BatchCoordinator;
import io.sluice.orchestrator.batch.DynamoDbJobStore;
import io.sluice.orchestrator.batch.JobInProgressException;
import io.sluice.orchestrator.batch.JobRecord;
import io.sluice.orchestrator.batch.JobReport;
import io.sluice.orchestrator.batch.JobRequest;
import io.sluice.orchestrator.batch.JobSpec;
import io.sluice.orchestrator.batch.JobStore;
import io.sluice.orchestrator.batch.LambdaTaskInvoker;
import io.sluice.orchestrator.batch.LeaseLostException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Job submission: the event is a {@link JobRequest} ({@code {"jobId":..,"input":{"csvManifest":"s3://.."}}}); the
 * answer is the {@link JobReport} JSON. Tasks run as asynchronous invocations of the batch function
 * ({@value #BATCH_FUNCTION}), whose answers arrive on its destination queue ({@value #RESULTS_QUEUE}). Lambda stops a
 * function after 15 minutes: a job not done a minute before that hands over to a new invocation of this function
 * with the same event, which resumes from the coordination table. A scheduled event ({@code "detail-type":"Scheduled
 * Event"}, every 10 minutes in {@code template.yaml}) sweeps the open jobs whose coordinator is gone and resumes each
 * from its stored request; a refused or completed job is never resumed. Errors that escape go to the function's
 * on-failure destination, which an alarm watches.
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.orchestrator.lambda.BatchJobHandler::handleRequest
 * // aws lambda invoke --function-name sluice-dev-batch-coordinator --invocation-type Event \
 * //     --payload '{"jobId":"nightly-2020-11-11","input":{"csvManifest":"s3://sluice-dev-data/m.csv"}}' out.json
 * new BatchJobHandler(coordinator, "gmv-by-category", "results-bucket", null).handleRequest(in, out, context);
 * }</pre>
 */
public final class BatchJobHandler implements RequestStreamHandler {

    /** Name or alias ARN of the batch function the tasks run on. */
    public static final String BATCH_FUNCTION = "SLUICE_BATCH_FUNCTION";
    /** URL of the queue the batch function's asynchronous outcomes go to. */
    public static final String RESULTS_QUEUE = "SLUICE_BATCH_RESULTS_QUEUE_URL";
    /** The batch function's reserved concurrency: a job's tasks in flight are capped at it (optional). */
    public static final String BATCH_CONCURRENCY = "SLUICE_BATCH_CONCURRENCY";
    /** Left for the handover when the invocation's time runs out. */
    static final Duration HANDOVER_MARGIN = Duration.ofSeconds(60);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final System.Logger LOG = System.getLogger(BatchJobHandler.class.getName());

    private final BatchCoordinator coordinator;
    private final String pipeline;
    private final String resultsBucket;
    private final LambdaClient lambda;
    private final JobStore jobs;
    private int concurrencyCap = Integer.MAX_VALUE;

    static {
        // JSON lines on Lambda (LoggingConfig.LogFormat: JSON); nothing changes elsewhere.
        io.sluice.functions.wiring.LambdaLogging.installOnLambda(System.getenv());
    }

    /** Lambda's constructor: clients, state store, sinks and invoker from the environment, built once. */
    public BatchJobHandler() {
        this(System.getenv(), UrlConnectionHttpClient.create());
    }

    private BatchJobHandler(Map<String, String> env, SdkHttpClient http) {
        this(wire(env, http, LambdaClient.builder().httpClient(http).build()));
    }

    private BatchJobHandler(Wired w) {
        this(w.coordinator, w.config.pipeline(), w.config.resultsBucket(), w.lambda, w.jobs);
        this.concurrencyCap = w.concurrencyCap;
    }

    /**
     * Caps every job's tasks in flight at the batch function's reserved concurrency, so a job asking for more never
     * has its invocations throttled and dropped after their event age (they would count as failed attempts).
     */
    public BatchJobHandler withConcurrencyCap(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("concurrency cap must be positive but was " + cap);
        }
        this.concurrencyCap = cap;
        return this;
    }

    /**
     * Tests' constructor.
     *
     * @param lambda hands an unfinished job over to a new invocation; null: return the unfinished report instead
     */
    public BatchJobHandler(BatchCoordinator coordinator, String pipeline, String resultsBucket, LambdaClient lambda) {
        this(coordinator, pipeline, resultsBucket, lambda, null);
    }

    /**
     * Tests' constructor with the job store the scheduled sweep reads.
     *
     * @param jobs where open jobs are found; null: a scheduled event finds none
     */
    public BatchJobHandler(BatchCoordinator coordinator, String pipeline, String resultsBucket, LambdaClient lambda,
                           JobStore jobs) {
        this.coordinator = coordinator;
        this.pipeline = pipeline;
        this.resultsBucket = resultsBucket;
        this.lambda = lambda;
        this.jobs = jobs;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        JsonNode tree = JSON.readTree(event);
        if ("Scheduled Event".equals(tree.path("detail-type").asText())) {
            output.write(sweep(context).getBytes(StandardCharsets.UTF_8));
            return;
        }
        JobSpec spec = JobRequest.parse(tree, pipeline, resultsBucket);
        spec = spec.withConcurrency(Math.min(spec.concurrency(), concurrencyCap));
        Instant deadline = context == null ? Instant.MAX
                : Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(HANDOVER_MARGIN);
        JobReport report;
        try {
            report = coordinator.submit(spec, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while coordinating job " + spec.jobId());
        } catch (JobInProgressException | LeaseLostException busy) {
            // Another coordinator runs the job: it (or the sweep, if it dies) finishes it. Not a failure to retry.
            LOG.log(System.Logger.Level.INFO, busy.getMessage());
            output.write(("{\"jobId\":\"" + spec.jobId() + "\",\"inProgress\":true}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        boolean resumable = report.state() == JobRecord.State.PLANNING || report.state() == JobRecord.State.RUNNING;
        if (resumable && lambda != null && context != null) {
            // Same event, new invocation: it resumes from the table with a fresh 15 minutes.
            handOver(context, event);
        }
        output.write(report.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The scheduled sweep: every open job whose coordinator is gone (its lease free) is resubmitted, as a new
     * asynchronous invocation, from the request stored with it. A job whose coordinator lives is left to it.
     *
     * @return {@code {"resumed":[job ids]}}
     */
    String sweep(Context context) {
        List<String> resumed = new ArrayList<>();
        if (jobs != null) {
            long now = System.currentTimeMillis();
            for (String jobId : jobs.openJobs()) {
                String probe = "sweep-" + UUID.randomUUID();
                if (!jobs.claim(jobId, probe, now, 1)) {
                    continue; // a live coordinator holds it
                }
                jobs.release(jobId, probe);
                String request = jobs.readJob(jobId).map(JobRecord::request).orElse("");
                if (request.isEmpty()) {
                    continue;
                }
                resumed.add(jobId);
                LOG.log(System.Logger.Level.INFO, "Batch job resumed by the sweep. job=[{0}]", jobId);
                if (lambda != null && context != null) {
                    handOver(context, request.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        resumed.forEach(answer.putArray("resumed")::add);
        return answer.toString();
    }

    private void handOver(Context context, byte[] event) {
        lambda.invoke(b -> b.functionName(context.getInvokedFunctionArn()).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArray(event)));
    }

    /** What a coordinator needs, built once from the environment (shared with {@link NightlyJobHandler}). */
    record Wired(BatchCoordinator coordinator, HandlerConfig config, LambdaClient lambda, JobStore jobs,
                 int concurrencyCap) {
    }

    static Wired wire(Map<String, String> env, SdkHttpClient http, LambdaClient lambda) {
        HandlerConfig config = HandlerConfig.from(env);
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(http).build();
        // A custom endpoint (AWS_ENDPOINT_URL[_S3], read by the SDK) is a local engine, which serves buckets by path.
        boolean pathStyle = env.containsKey("AWS_ENDPOINT_URL_S3") || env.containsKey("AWS_ENDPOINT_URL");
        S3Client s3 = S3Client.builder().httpClient(http).forcePathStyle(pathStyle).build();
        SqsClient sqs = SqsClient.builder().httpClient(http).build();
        LambdaWiring wiring = LambdaWiring.of(config, new LambdaWiring.Clients(dynamo, s3, sqs, null));
        Clock clock = Clock.systemUTC();
        LambdaTaskInvoker invoker = new LambdaTaskInvoker(lambda, required(env, BATCH_FUNCTION), sqs,
                required(env, RESULTS_QUEUE));
        JobStore jobs = new DynamoDbJobStore(dynamo, config.coordinationTable(), Duration.ofDays(7), clock);
        BatchCoordinator coordinator = new BatchCoordinator(wiring.pipeline(), wiring.stateStore(clock),
                wiring.outputs(), jobs, invoker, s3, clock);
        String cap = env.get(BATCH_CONCURRENCY);
        return new Wired(coordinator, config, lambda, jobs,
                cap == null || cap.isBlank() ? Integer.MAX_VALUE : Integer.parseInt(cap.trim()));
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("missing environment variable " + name);
        }
        return v;
    }
}

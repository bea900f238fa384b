package io.sluice.orchestrator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.orchestrator.nightly.ConsistencyCheck;
import io.sluice.orchestrator.nightly.NightlyJob;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The scheduled nightly check ({@link NightlyJob}): an EventBridge scheduled event recomputes yesterday (UTC) from the
 * raw input archive and compares it with the live results; {@code {"day":"2026-11-10"}} re-runs one day. A job not
 * complete a minute before the 15 minutes run out is handed over to a new invocation with {@code {"day":..}}.
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.orchestrator.lambda.NightlyJobHandler::handleRequest, cron(0 1 * * ? *)
 * // aws lambda invoke --function-name sluice-dev-nightly-check --payload '{"day":"2026-11-10"}' out.json
 * }</pre>
 */
public final class NightlyJobHandler implements RequestStreamHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final NightlyJob nightly;
    private final LambdaClient lambda;
    private final Clock clock;

    /** Lambda's constructor: the coordinator's wiring plus the archive bucket and results table. */
    public NightlyJobHandler() {
        this(System.getenv(), UrlConnectionHttpClient.create());
    }

    private NightlyJobHandler(Map<String, String> env, SdkHttpClient http) {
        this(env, BatchJobHandler.wire(env, http, LambdaClient.builder().httpClient(http).build()), http);
    }

    private NightlyJobHandler(Map<String, String> env, BatchJobHandler.Wired w, SdkHttpClient http) {
        this(nightly(w.coordinator(), w.config(), http).withConcurrencyCap(w.concurrencyCap()), w.lambda(),
                Clock.systemUTC());
    }

    /** Tests' constructor; {@code lambda} null returns an unfinished outcome instead of handing over. */
    public NightlyJobHandler(NightlyJob nightly, LambdaClient lambda, Clock clock) {
        this.nightly = nightly;
        this.lambda = lambda;
        this.clock = clock;
    }

    private static NightlyJob nightly(io.sluice.orchestrator.batch.BatchCoordinator coordinator, HandlerConfig config,
                                      SdkHttpClient http) {
        String table = config.resultsTable().orElseThrow(
                () -> new IllegalStateException("missing environment variable " + HandlerConfig.RESULTS_TABLE));
        String archive = config.archiveBucket().orElseThrow(
                () -> new IllegalStateException("missing environment variable " + HandlerConfig.ARCHIVE_BUCKET));
        boolean pathStyle = System.getenv("AWS_ENDPOINT_URL_S3") != null || System.getenv("AWS_ENDPOINT_URL") != null;
        S3Client s3 = S3Client.builder().httpClient(http).forcePathStyle(pathStyle).build();
        return new NightlyJob(coordinator, new ConsistencyCheck(DynamoDbClient.builder().httpClient(http).build(), table),
                s3, config.pipeline(), archive, config.resultsBucket(), Clock.systemUTC(), System.out);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input.readAllBytes());
        LocalDate day = day(event);
        Instant deadline = context == null ? Instant.MAX
                : clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(BatchJobHandler.HANDOVER_MARGIN);
        NightlyJob.Outcome outcome;
        try {
            outcome = nightly.run(day, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running the nightly job of " + day);
        }
        if (!outcome.finished()) {
            if (lambda != null && context != null) {
                lambda.invoke(b -> b.functionName(context.getInvokedFunctionArn()).invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String("{\"day\":\"" + day + "\"}")));
            }
            output.write(outcome.job().toJson().getBytes(StandardCharsets.UTF_8));
            return;
        }
        output.write(outcome.report().json().getBytes(StandardCharsets.UTF_8));
    }

    // A scheduled event checks the day before its time; {"day":"yyyy-MM-dd"} names one.
    private LocalDate day(JsonNode event) {
        if (event.hasNonNull("day")) {
            try {
                return LocalDate.parse(event.get("day").asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("\"day\" must be yyyy-MM-dd, got " + event.get("day"), e);
            }
        }
        Instant time = event.hasNonNull("time") ? Instant.parse(event.get("time").asText()) : clock.instant();
        return NightlyJob.yesterday(time);
    }
}

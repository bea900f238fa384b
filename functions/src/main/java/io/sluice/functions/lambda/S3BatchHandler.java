package io.sluice.functions.lambda;

import io.sluice.functions.wiring.LambdaLogging;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.driver.S3BatchOperator;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * Lambda entry point of the batch side. A stream handler because one function serves three event shapes: S3 Batch
 * Operations schema 1.0 and 2.0 (answered with {@code invocationSchemaVersion}, {@code treatMissingKeysAs},
 * {@code invocationId} and per-task {@code results}) and the orchestrator's task event
 * ({@code {"jobId":..,"tasks":[{"taskId","bucket","key"}]}}, answered with {@code {"jobId":..,"results":[..]}}).
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.functions.lambda.S3BatchHandler::handleRequest
 * new S3BatchHandler(wiring.s3BatchOperator(clock, System.out)).handleRequest(in, out, context);   // tests
 * }</pre>
 */
public final class S3BatchHandler implements RequestStreamHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final S3BatchOperator operator;

    static {
        // JSON lines on Lambda (LoggingConfig.LogFormat: JSON); nothing changes elsewhere.
        LambdaLogging.installOnLambda(System.getenv());
    }

    /** Lambda's constructor: pipeline, clients and state store from the environment ({@link HandlerConfig}). */
    public S3BatchHandler() {
        this(LambdaWiring.fromEnvironment().s3BatchOperator(Clock.systemUTC(), System.out));
    }

    /** Tests' constructor. */
    public S3BatchHandler(S3BatchOperator operator) {
        this.operator = operator;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JSON.writeValue(output, operator.handle(JSON.readTree(input)));
    }
}

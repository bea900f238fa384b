package io.sluice.functions.lambda;

import io.sluice.functions.wiring.LambdaLogging;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.driver.KinesisOperator;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import java.time.Clock;

/**
 * Lambda entry point of the stream side: {@code KinesisEvent} in, {@code StreamsEventResponse} with
 * {@code batchItemFailures} out (the event source mapping needs {@code FunctionResponseTypes:
 * [ReportBatchItemFailures]}). A plain {@link RequestHandler}: everything is built once in the constructor, which
 * SnapStart snapshots, and {@link #handleRequest} only delegates to {@link KinesisOperator}.
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.functions.lambda.KinesisOperatorHandler::handleRequest
 * var handler = new KinesisOperatorHandler(wiring.kinesisOperator(clock, System.out));   // tests
 * StreamsEventResponse response = handler.handleRequest(event, context);
 * }</pre>
 */
public final class KinesisOperatorHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private final KinesisOperator operator;

    static {
        // JSON lines on Lambda (LoggingConfig.LogFormat: JSON); nothing changes elsewhere.
        LambdaLogging.installOnLambda(System.getenv());
    }

    /** Lambda's constructor: pipeline, clients and state store from the environment ({@link HandlerConfig}). */
    public KinesisOperatorHandler() {
        this(LambdaWiring.fromEnvironment().kinesisOperator(Clock.systemUTC(), System.out));
    }

    /** Tests' constructor: an operator over local clients, a fixed clock, a captured metrics stream. */
    public KinesisOperatorHandler(KinesisOperator operator) {
        this.operator = operator;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return operator.handle(event);
    }
}

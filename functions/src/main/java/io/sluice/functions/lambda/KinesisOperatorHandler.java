package io.sluice.functions.lambda;

import io.sluice.functions.wiring.LambdaLogging;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.driver.KinesisOperator;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import io.sluice.functions.archive.RawArchive;

import java.time.Clock;
import java.util.List;

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
    private final RawArchive archive;

    static {
        // JSON lines on Lambda (LoggingConfig.LogFormat: JSON); nothing changes elsewhere.
        LambdaLogging.installOnLambda(System.getenv());
    }

    /** Lambda's constructor: pipeline, clients and state store from the environment ({@link HandlerConfig}). */
    public KinesisOperatorHandler() {
        this(LambdaWiring.fromEnvironment());
    }

    private KinesisOperatorHandler(LambdaWiring wiring) {
        this(wiring.kinesisOperator(Clock.systemUTC(), System.out), wiring.rawArchive().orElse(null));
    }

    /** Tests' constructor: an operator over local clients, a fixed clock, a captured metrics stream. */
    public KinesisOperatorHandler(KinesisOperator operator) {
        this(operator, null);
    }

    /**
     * Tests' constructor with the raw input archive ({@code SLUICE_ARCHIVE_BUCKET} on Lambda).
     *
     * @param archive keeps every record before it is processed; null: no archive
     */
    public KinesisOperatorHandler(KinesisOperator operator, RawArchive archive) {
        this.operator = operator;
        this.archive = archive;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        if (archive != null && event.getRecords() != null && !event.getRecords().isEmpty()) {
            try {
                archive.write(event.getRecords());
            } catch (RuntimeException e) {
                // Nothing is processed before it is archived: the whole batch is retried from its first record.
                System.err.println("Archive failed, batch retried. error=[" + e.getMessage() + "]");
                return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                        StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(
                                event.getRecords().get(0).getKinesis().getSequenceNumber()).build())).build();
            }
        }
        return operator.handle(event);
    }
}

package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.functions.archive.RawArchive;
import io.sluice.functions.driver.KinesisOperator;
import io.sluice.functions.io.kinesis.KinesisEventReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Kinesis entry point {@code template.yaml} deploys: {@link KinesisOperatorHandler}'s work on the invocation's
 * JSON read by us. The Lambda runtime would bind every field of every record to a {@code KinesisEvent} by reflection
 * before a {@code RequestHandler} runs; {@link KinesisEventReader} streams the payload once and keeps only the fields
 * the operator reads, 10-15 % cheaper (the JSON itself, ~660 bytes a record, is most of that step's cost; BENCHMARKS.md,
 * issue 15). The response is the partial batch response as the runtime would serialize it
 * ({@link PartialBatchResponseJson}).
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.functions.lambda.KinesisOperatorStreamHandler::handleRequest
 * var handler = new KinesisOperatorStreamHandler(wiring.kinesisOperator(clock, System.out));   // tests
 * handler.handleRequest(eventJson, responseJson, context);
 * }</pre>
 */
public final class KinesisOperatorStreamHandler implements RequestStreamHandler {

    private final KinesisOperatorHandler handler;

    /** Lambda's constructor: pipeline, clients and state store from the environment. */
    public KinesisOperatorStreamHandler() {
        this(new KinesisOperatorHandler());
    }

    /** Tests' constructor: an operator over local clients, a fixed clock, a captured metrics stream. */
    public KinesisOperatorStreamHandler(KinesisOperator operator) {
        this(new KinesisOperatorHandler(operator));
    }

    /**
     * Tests' constructor with the raw input archive ({@code SLUICE_ARCHIVE_BUCKET} on Lambda).
     *
     * @param archive keeps every record before it is processed; null: no archive
     */
    public KinesisOperatorStreamHandler(KinesisOperator operator, RawArchive archive) {
        this(new KinesisOperatorHandler(operator, archive));
    }

    private KinesisOperatorStreamHandler(KinesisOperatorHandler handler) {
        this.handler = handler;
    }

    /**
     * @param input  {@code {"Records":[...]}} as the event source mapping sends it
     * @param output receives {@code {"batchItemFailures":[...]}}
     * @throws java.io.UncheckedIOException if the input is not a Kinesis event's JSON: a function error, so the
     *                                      mapping retries (or bisects) the batch as it would any failed invocation
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        KinesisEvent event = new KinesisEvent();
        event.setRecords(KinesisEventReader.read(input));
        StreamsEventResponse response = handler.handleRequest(event, context);
        PartialBatchResponseJson.write(response, output);
    }
}

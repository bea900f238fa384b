package io.sluice.functions.micronaut;

import io.sluice.functions.driver.KinesisOperator;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.micronaut.function.aws.MicronautRequestHandler;
import jakarta.inject.Inject;

/**
 * The same stream handler on Micronaut: the application context injects the {@link KinesisOperator} built by
 * {@link OperatorFactory}. Kept to measure what dependency injection costs at cold start (see BENCHMARKS.md, Lambda handlers section);
 * {@link KinesisOperatorHandler} is the one the template deploys.
 *
 * <pre>{@code
 * // Handler: io.sluice.functions.lambda.MicronautKinesisOperatorHandler::handleRequest
 * }</pre>
 */
public class MicronautKinesisOperatorHandler extends MicronautRequestHandler<KinesisEvent, StreamsEventResponse> {

    @Inject
    KinesisOperator operator;

    @Override
    public StreamsEventResponse execute(KinesisEvent event) {
        return operator.handle(event);
    }
}

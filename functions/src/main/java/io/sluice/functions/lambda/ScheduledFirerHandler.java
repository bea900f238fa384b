package io.sluice.functions.lambda;

import io.sluice.functions.wiring.LambdaLogging;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.driver.ScheduledFirer;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;

import java.time.Clock;

/**
 * Lambda entry point of the scheduled firer (every minute): closes the windows of a quiet stream on time. Delegates
 * to {@link ScheduledFirer}; answers with the global watermark it fired at.
 *
 * <pre>{@code
 * // template.yaml: Handler: io.sluice.functions.lambda.ScheduledFirerHandler::handleRequest
 * var handler = new ScheduledFirerHandler(wiring.scheduledFirer(clock, System.out));   // tests
 * }</pre>
 */
public final class ScheduledFirerHandler implements RequestHandler<ScheduledEvent, String> {

    private final ScheduledFirer firer;

    static {
        // JSON lines on Lambda (LoggingConfig.LogFormat: JSON); nothing changes elsewhere.
        LambdaLogging.installOnLambda(System.getenv());
    }

    /** Lambda's constructor: pipeline, clients and state store from the environment ({@link HandlerConfig}). */
    public ScheduledFirerHandler() {
        this(LambdaWiring.fromEnvironment().scheduledFirer(Clock.systemUTC(), System.out));
    }

    /** Tests' constructor. */
    public ScheduledFirerHandler(ScheduledFirer firer) {
        this.firer = firer;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        return "{\"watermark\":" + firer.tick() + "}";
    }
}

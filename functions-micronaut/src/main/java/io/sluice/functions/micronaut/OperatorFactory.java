package io.sluice.functions.micronaut;

import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.functions.driver.KinesisOperator;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Micronaut beans of the Micronaut handler variants: one operator per application context, from the environment.
 *
 * <pre>{@code
 * KinesisOperator operator = applicationContext.getBean(KinesisOperator.class);
 * }</pre>
 */
@Factory
public class OperatorFactory {

    @Singleton
    KinesisOperator kinesisOperator() {
        return LambdaWiring.fromEnvironment().kinesisOperator(Clock.systemUTC(), System.out);
    }
}

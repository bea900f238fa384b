package io.sluice.cli;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.localstack.esm.HandlerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

/**
 * The handler class {@code template.yaml} names for a function, built around an operator the command wired itself
 * (through the handler's test constructor, which takes the operator). So the demo runs exactly the class that would
 * be deployed, and the CLI does not compile against the functions' {@code lambda} package (handlers are entry points
 * for the Lambda runtime, not an API for other modules).
 *
 * <pre>{@code
 * HandlerFactory handlers = TemplateHandler.around(source.handlerClass(), KinesisOperator.class,
 *         () -> wiring.kinesisOperator(clock, out));
 * }</pre>
 */
final class TemplateHandler {

    private TemplateHandler() {
    }

    /**
     * @param handlerClass the class of the template's {@code Handler}
     * @param operatorType the type of the operator its constructor takes
     * @param operator     makes the operator of each new handler instance
     * @return a factory of new handler instances, one per operator
     * @throws IllegalArgumentException if the class is missing or has no public constructor taking the operator
     */
    @SuppressWarnings("unchecked")
    static <T> HandlerFactory around(String handlerClass, Class<T> operatorType, Supplier<? extends T> operator) {
        Constructor<?> constructor;
        try {
            constructor = Class.forName(handlerClass).getConstructor(operatorType);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalArgumentException("Handler class " + handlerClass + " has no public constructor taking a "
                    + operatorType.getSimpleName() + ": " + e, e);
        }
        return () -> {
            try {
                return (RequestHandler<KinesisEvent, StreamsEventResponse>) constructor.newInstance(operator.get());
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("Handler constructor failed: " + handlerClass, e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot instantiate handler " + handlerClass, e);
            }
        };
    }
}

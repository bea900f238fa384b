package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.lang.reflect.InvocationTargetException;

/**
 * Builds one handler instance, as Lambda does when it starts an execution environment: the local event
 * source mapping calls it whenever no idle instance is left (a cold start), and again after an instance was
 * discarded (a timed-out invocation, or a recycled environment in chaos mode). A handler class that is a
 * {@code RequestStreamHandler} is invoked with the event's JSON, as on Lambda ({@link StreamHandlerInvocation}).
 *
 * <pre>{@code
 * HandlerFactory lambdaLike = HandlerFactory.ofClass("io.example.MyHandler");     // its public no-arg constructor
 * HandlerFactory wired = () -> new KinesisOperatorHandler(wiring.kinesisOperator(clock, metrics));   // tests
 * }</pre>
 */
@FunctionalInterface
public interface HandlerFactory {

    /** @return a new, independent handler instance (its own caches, leases, clients as its constructor builds them) */
    RequestHandler<KinesisEvent, StreamsEventResponse> newInstance();

    /**
     * @param className a handler class with a public no-arg constructor, as the template's {@code Handler} names it:
     *                  a {@code RequestHandler<KinesisEvent, StreamsEventResponse>} or a {@code RequestStreamHandler}
     * @return a factory calling that constructor, as the Lambda Java runtime does
     * @throws IllegalArgumentException if the class is missing, has no public no-arg constructor, or is neither kind
     *                                  of handler
     */
    static HandlerFactory ofClass(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
            type.getConstructor();
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalArgumentException("Handler class " + className + " has no public no-arg constructor: " + e, e);
        }
        if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("Handler class " + className
                    + " is neither a RequestHandler nor a RequestStreamHandler");
        }
        return () -> {
            try {
                return StreamHandlerInvocation.kinesis(type.getConstructor().newInstance());
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("Handler constructor failed: " + className, e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot instantiate handler " + className, e);
            }
        };
    }

    /**
     * One instance shared by every invocation: the runtime can neither draw another instance nor discard a timed-out
     * one, so it does not enforce the timeout and refuses chaos mode. For handlers that cannot be built twice;
     * prefer a real factory.
     *
     * @param handler the instance
     * @return a factory that always returns it
     */
    static HandlerFactory shared(RequestHandler<KinesisEvent, StreamsEventResponse> handler) {
        return new Shared(handler);
    }

    /** The marker of {@link #shared}: the pool keeps exactly this instance. */
    record Shared(RequestHandler<KinesisEvent, StreamsEventResponse> handler) implements HandlerFactory {
        @Override
        public RequestHandler<KinesisEvent, StreamsEventResponse> newInstance() {
            return handler;
        }
    }
}

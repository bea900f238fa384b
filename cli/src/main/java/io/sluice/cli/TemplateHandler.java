package io.sluice.cli;

import io.sluice.localstack.esm.HandlerFactory;
import io.sluice.localstack.esm.StreamHandlerInvocation;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

/**
 * The handler class {@code template.yaml} names for a function, built around an operator the command wired itself
 * (through the handler's test constructor, which takes the operator and its collaborators). So the demo runs exactly the class that would
 * be deployed, and the CLI does not compile against the functions' {@code lambda} package (handlers are entry points
 * for the Lambda runtime, not an API for other modules).
 *
 * <pre>{@code
 * HandlerFactory handlers = TemplateHandler.around(source.handlerClass(),
 *         () -> new Object[] {wiring.kinesisOperator(clock, out), wiring.rawArchive().orElseThrow()});
 * }</pre>
 */
final class TemplateHandler {

    private TemplateHandler() {
    }

    /**
     * @param handlerClass the class of the template's {@code Handler}
     * @param arguments    makes the constructor arguments of each new handler instance (the operator first)
     * @return a factory of new handler instances, each built by the public constructor those arguments fit
     * @throws IllegalArgumentException if the class is missing
     */
    static HandlerFactory around(String handlerClass, Supplier<Object[]> arguments) {
        Class<?> type;
        try {
            type = Class.forName(handlerClass);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Handler class " + handlerClass + " not found: " + e, e);
        }
        return () -> {
            Object[] args = arguments.get();
            try {
                // A RequestStreamHandler is handed the event's JSON, as Lambda does.
                return StreamHandlerInvocation.kinesis(constructorFor(type, args).newInstance(args));
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("Handler constructor failed: " + handlerClass, e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot instantiate handler " + handlerClass, e);
            }
        };
    }

    private static Constructor<?> constructorFor(Class<?> type, Object[] args) throws NoSuchMethodException {
        for (Constructor<?> c : type.getConstructors()) {
            Class<?>[] params = c.getParameterTypes();
            boolean fits = params.length == args.length;
            for (int i = 0; fits && i < params.length; i++) {
                fits = params[i].isInstance(args[i]);
            }
            if (fits) {
                return c;
            }
        }
        throw new NoSuchMethodException(type.getName() + " has no public constructor taking " + args.length
                + " arguments of these types");
    }
}

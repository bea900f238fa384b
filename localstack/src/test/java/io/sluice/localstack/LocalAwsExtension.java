package io.sluice.localstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one {@link LocalAws} per test JVM ({@link LocalAws#auto()}: LocalStack if
 * Docker answers, else the emulators; {@code SLUICE_LOCAL_AWS} forces one) and injects it into test
 * constructors, lifecycle methods and test methods. It lives in the root context's store, so every test
 * class shares it and JUnit closes it when the whole run ends.
 *
 * <pre>{@code
 * @ExtendWith(LocalAwsExtension.class)
 * class DynamoDbStateStoreIT {
 *     @Test
 *     void shouldPutPartial(LocalAws aws) {
 *         try (DynamoDbClient dynamo = aws.dynamoDb()) { ... }
 *     }
 * }
 * }</pre>
 */
public final class LocalAwsExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalAwsExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }

    /**
     * @param context any extension context of the run
     * @return the run's started LocalAws
     */
    public static LocalAws shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(LocalAws.auto().start()), Holder.class)
                .aws;
    }

    /** Closed by JUnit with the root store (AutoCloseable values are closed at the end of the run). */
    private static final class Holder implements AutoCloseable {
        private final LocalAws aws;

        Holder(LocalAws aws) {
            this.aws = aws;
        }

        @Override
        public void close() {
            aws.close();
        }
    }
}

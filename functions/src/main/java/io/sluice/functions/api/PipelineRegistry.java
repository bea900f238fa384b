package io.sluice.functions.api;

import io.sluice.functions.exception.UnknownPipelineException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Pipelines by name. Handlers pick one by the {@code SLUICE_PIPELINE} environment variable, the CLI by
 * {@code --pipeline}. The built-in registry holds the GMV examples plus every {@link Provider} found with
 * {@link ServiceLoader}.
 *
 * <pre>{@code
 * PipelineRegistry registry = PipelineRegistry.builder()
 *         .register(GmvPipelines::byCategory)
 *         .build();
 * PipelineDefinition<?> gmv = registry.get("gmv-by-category");
 * }</pre>
 */
public final class PipelineRegistry {

    /** Contributes pipelines to the built-in registry (listed in {@code META-INF/services}). */
    public interface Provider {
        /** The pipelines this provider defines. */
        List<PipelineDefinition<?>> pipelines();
    }

    private final Map<String, Supplier<PipelineDefinition<?>>> pipelines;

    private PipelineRegistry(Map<String, Supplier<PipelineDefinition<?>>> pipelines) {
        this.pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The pipelines of every {@link Provider} on the class path (the GMV examples among them). On Lambda, a layer's
     * {@code java/lib/*.jar} is on the class path: that is how a deployment runs your pipelines
     * ({@code PipelinesLayerArn} in {@code template.yaml}).
     */
    public static PipelineRegistry builtIn() {
        return builtIn(Thread.currentThread().getContextClassLoader());
    }

    /**
     * The pipelines of every {@link Provider} that {@code loader} finds, e.g. a class loader over your jar whose
     * {@code META-INF/services/io.sluice.functions.api.PipelineRegistry$Provider} names your provider class
     * ({@code sluice run --jar my-pipelines.jar}).
     *
     * @throws IllegalArgumentException if two providers register the same name
     */
    public static PipelineRegistry builtIn(ClassLoader loader) {
        Builder builder = builder();
        for (Provider provider : ServiceLoader.load(Provider.class, loader)) {
            for (PipelineDefinition<?> definition : provider.pipelines()) {
                builder.register(() -> definition);
            }
        }
        return builder.build();
    }

    /**
     * The pipeline named {@code name}, built fresh.
     *
     * @throws UnknownPipelineException if none has that name; the message lists the known names
     */
    public PipelineDefinition<?> get(String name) {
        Supplier<PipelineDefinition<?>> supplier = pipelines.get(name);
        if (supplier == null) {
            throw new UnknownPipelineException(name, pipelines.keySet());
        }
        return supplier.get();
    }

    /** Known names, in registration order. */
    public List<String> names() {
        return List.copyOf(pipelines.keySet());
    }

    /** Collects pipelines; names must be unique. */
    public static final class Builder {
        private final Map<String, Supplier<PipelineDefinition<?>>> pipelines = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds the pipeline {@code supplier} builds, under its name.
         *
         * @throws IllegalArgumentException if a pipeline of that name is registered already
         */
        public Builder register(Supplier<? extends PipelineDefinition<?>> supplier) {
            PipelineDefinition<?> sample = supplier.get();
            if (pipelines.putIfAbsent(sample.name(), supplier::get) != null) {
                throw new IllegalArgumentException("pipeline [" + sample.name() + "] is registered twice");
            }
            return this;
        }

        public PipelineRegistry build() {
            return new PipelineRegistry(pipelines);
        }
    }
}

package io.sluice.functions.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Accumulators as JSON bytes via Jackson, bound to one class: the default for user aggregate functions. The class
 * is fixed when the pipeline is built, never read from stored bytes.
 *
 * @param <ACC> the accumulator type
 */
public final class JacksonAccumulatorCodec<ACC> implements AccumulatorCodec<ACC> {

    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

    private final ObjectWriter writer;
    private final ObjectReader reader;

    private JacksonAccumulatorCodec(Class<?> type) {
        this.writer = MAPPER.writerFor(type);
        this.reader = MAPPER.readerFor(type);
    }

    /**
     * A codec for the runtime class of {@code sample}.
     *
     * @throws IllegalArgumentException if {@code sample} is null (use {@link #reducing} for nullable accumulators)
     */
    public static <ACC> AccumulatorCodec<ACC> forInstance(ACC sample) {
        if (sample == null) {
            throw new IllegalArgumentException("createAccumulator() returned null: pass an AccumulatorCodec explicitly");
        }
        return new JacksonAccumulatorCodec<>(sample.getClass());
    }

    /** A codec for values of {@code type}, as reduce accumulators. */
    public static <T> AccumulatorCodec<T> reducing(Class<T> type) {
        return new JacksonAccumulatorCodec<>(type);
    }

    @Override
    public byte[] encode(ACC accumulator) {
        try {
            return writer.writeValueAsBytes(accumulator);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode accumulator " + accumulator, e);
        }
    }

    @Override
    public ACC decode(byte[] bytes) {
        try {
            return reader.readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode accumulator of " + bytes.length + " bytes", e);
        }
    }
}

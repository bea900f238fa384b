package io.sluice.functions.api;

/**
 * Encodes accumulators to bytes for the state store and back. {@code decode(encode(acc))} must be equal in value
 * to {@code acc}; encodings should be compact, since DynamoDB charges per KB written.
 *
 * <pre>{@code
 * AccumulatorCodec<long[]> countAndSum = AccumulatorCodec.of(
 *         acc -> ByteBuffer.allocate(16).putLong(acc[0]).putLong(acc[1]).array(),
 *         bytes -> { ByteBuffer b = ByteBuffer.wrap(bytes); return new long[] {b.getLong(), b.getLong()}; });
 * }</pre>
 *
 * @param <ACC> the accumulator type
 */
public interface AccumulatorCodec<ACC> {

    /** The bytes of {@code accumulator}. */
    byte[] encode(ACC accumulator);

    /** The accumulator encoded in {@code bytes}. */
    ACC decode(byte[] bytes);

    /** A codec from two functions. */
    static <ACC> AccumulatorCodec<ACC> of(java.util.function.Function<ACC, byte[]> encoder,
                                          java.util.function.Function<byte[], ACC> decoder) {
        return new AccumulatorCodec<>() {
            @Override
            public byte[] encode(ACC accumulator) {
                return encoder.apply(accumulator);
            }

            @Override
            public ACC decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}

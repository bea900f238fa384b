package io.sluice.functions.codec;

/**
 * Decodes one record from a byte slice. Stateless and thread-safe.
 *
 * @param <T> the decoded type
 */
public interface RecordDecoder<T> {

    /**
     * The record in {@code bytes[offset, offset + length)}.
     *
     * @throws MalformedRecordException with a one-line reason if the bytes are not a valid record
     */
    T decode(byte[] bytes, int offset, int length) throws MalformedRecordException;

    /**
     * Whether {@code bytes[offset, offset + length)} holds only spaces, tabs and line ends: a blank line is not a
     * record (drivers skip and count it, as they do a CSV header), so a file of blank lines fills no dead letters.
     */
    static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * A decoder for records that lie back to back in {@code buffer[.., end)}, in order, which may keep state from
     * one record to the next (one parser for the whole region instead of one per record). Results and reasons are
     * those of {@link #decode}. Not thread-safe.
     */
    default Sequence<T> sequence(byte[] buffer, int end) {
        return (offset, length) -> decode(buffer, offset, length);
    }

    /**
     * Decodes records of one buffer in increasing offsets.
     *
     * @param <T> the decoded type
     */
    @FunctionalInterface
    interface Sequence<T> extends AutoCloseable {

        /**
         * The record in {@code [offset, offset + length)} of the sequence's buffer.
         *
         * @throws MalformedRecordException as {@link RecordDecoder#decode}
         */
        T next(int offset, int length) throws MalformedRecordException;

        /** Releases what the sequence holds (a parser's buffers). */
        @Override
        default void close() {
        }
    }
}

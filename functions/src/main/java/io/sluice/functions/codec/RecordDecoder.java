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
}

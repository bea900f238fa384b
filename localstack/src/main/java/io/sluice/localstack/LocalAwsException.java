package io.sluice.localstack;

/**
 * Local AWS could not start or answer: a missing engine, a port that never opened, an install that
 * failed. The message says what to do and, for processes, ends with the tail of their log.
 */
public class LocalAwsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to do */
    public LocalAwsException(String message) {
        super(message);
    }

    /**
     * @param message what failed and what to do
     * @param cause the underlying failure
     */
    public LocalAwsException(String message, Throwable cause) {
        super(message, cause);
    }
}

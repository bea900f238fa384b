package io.sluice.dashboard;

/** A query parameter the API refuses; answered with a 400 and this message. */
public final class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}

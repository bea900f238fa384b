package io.sluice.functions.exception;

/**
 * An aggregate function failed on valid input, typically an exact sum overflowing {@code Long.MAX_VALUE}. Results
 * would be wrong, so the batch fails rather than wraps around.
 */
public class AggregationException extends SluiceException {

    public AggregationException(String message, Throwable cause) {
        super(message, cause);
    }
}

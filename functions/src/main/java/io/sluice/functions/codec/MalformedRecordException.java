package io.sluice.functions.codec;

/**
 * A record that cannot be decoded. Checked, and carrying only a one-line reason: it is data for the dead-letter
 * output, not a failure of the batch. No stack trace is captured, since bad input can be frequent.
 */
public class MalformedRecordException extends Exception {

    public MalformedRecordException(String reason) {
        super(reason, null, false, false);
    }
}

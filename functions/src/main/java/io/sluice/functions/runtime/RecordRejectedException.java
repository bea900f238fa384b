package io.sluice.functions.runtime;

/**
 * Thrown inside the operator chain when one record cannot be counted (a timestamp out of range, an aggregate that
 * would overflow with it): the record goes to the dead letters with {@link #getMessage()} as its reason and the
 * rest of the batch goes on. No stack trace: it is data, not a failure.
 */
final class RecordRejectedException extends RuntimeException {

    RecordRejectedException(String reason) {
        super(reason, null, false, false);
    }
}

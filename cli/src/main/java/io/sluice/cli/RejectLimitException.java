package io.sluice.cli;

import io.sluice.functions.local.RejectLimitExceededException;

import java.nio.file.Path;

/**
 * More records were rejected than {@code --max-rejects} allows, or their bytes passed {@code --max-reject-bytes}: the
 * run stopped reading early (exit code 3) and wrote no results. The message says how many records were read, so a
 * user sees that the rest of the input was not.
 */
final class RejectLimitException extends RuntimeException {

    /** Exit code of a run stopped by {@code --max-rejects} or {@code --max-reject-bytes}. */
    static final int EXIT_CODE = 3;

    RejectLimitException(RejectLimitExceededException stop, Path rejectsFile) {
        super("stopped: " + (stop.byBytes()
                ? "rejected records passed " + stop.maxRejectBytes() + " bytes (--max-reject-bytes " + stop.maxRejectBytes()
                : "more than " + stop.maxRejects() + " records rejected (--max-rejects " + stop.maxRejects())
                + ") after reading " + stop.recordsRead() + " records; the first " + stop.rejectsPassedOn() + " are in "
                + rejectsFile + ", no results were written", stop);
    }
}

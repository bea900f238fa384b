package io.sluice.cli;

import io.sluice.functions.local.RejectLimitExceededException;

import java.nio.file.Path;

/**
 * More records went to the dead letters than {@code --max-dead-letters} allows, or their bytes passed
 * {@code --max-side-output-bytes} (with the late records): the run stopped reading early (exit code 3) and wrote no results. The message says
 * how many records were read, so a user sees that the rest of the input was not.
 */
final class RejectLimitException extends RuntimeException {

    /** Exit code of a run stopped by {@code --max-dead-letters} or {@code --max-side-output-bytes}. */
    static final int EXIT_CODE = 3;

    RejectLimitException(RejectLimitExceededException stop, Path rejectsFile) {
        super("stopped: " + (stop.byBytes()
                ? "dead letters and late records passed " + stop.maxRejectBytes() + " bytes (--max-side-output-bytes "
                        + stop.maxRejectBytes()
                : "more than " + stop.maxRejects() + " dead letters (--max-dead-letters " + stop.maxRejects())
                + ") after reading " + stop.recordsRead() + " records; the first " + stop.rejectsPassedOn() + " are in "
                + rejectsFile + ", no results were written", stop);
    }
}

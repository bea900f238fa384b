package io.sluice.cli;

import java.nio.file.Path;

/**
 * More records were rejected than {@code --max-rejects} allows: the run stopped reading early (exit code 3) and wrote
 * no results. The message says how many records were read, so a user sees that the rest of the input was not.
 */
final class RejectLimitException extends RuntimeException {

    /** Exit code of a run stopped by {@code --max-rejects}. */
    static final int EXIT_CODE = 3;

    RejectLimitException(long maxRejects, long recordsRead, Path rejectsFile) {
        super("stopped: more than " + maxRejects + " records rejected (--max-rejects " + maxRejects + ") after reading "
                + recordsRead + " records; the first " + maxRejects + " are in " + rejectsFile
                + ", no results were written");
    }
}

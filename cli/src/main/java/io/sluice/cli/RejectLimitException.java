package io.sluice.cli;

import java.nio.file.Path;

/** More records were rejected than {@code --max-rejects} allows: the run stops (exit code 3) and writes no results. */
final class RejectLimitException extends RuntimeException {

    /** Exit code of a run stopped by {@code --max-rejects}. */
    static final int EXIT_CODE = 3;

    RejectLimitException(long maxRejects, Path rejectsFile) {
        super("stopped: more than " + maxRejects + " records rejected (--max-rejects " + maxRejects + "); the first "
                + maxRejects + " are in " + rejectsFile + ", no results were written");
    }
}

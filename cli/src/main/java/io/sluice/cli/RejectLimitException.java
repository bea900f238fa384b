package io.sluice.cli;

import java.nio.file.Path;

/** More records were rejected than {@code --max-dead-letters} allows: the run stops (exit code 3) and writes no results. */
final class RejectLimitException extends RuntimeException {

    /** Exit code of a run stopped by {@code --max-dead-letters}. */
    static final int EXIT_CODE = 3;

    RejectLimitException(long maxRejects, Path rejectsFile) {
        super("stopped: more than " + maxRejects + " dead letters (--max-dead-letters " + maxRejects + "); the first "
                + maxRejects + " are in " + rejectsFile + ", no results were written");
    }
}

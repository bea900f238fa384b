package io.sluice.functions.local;

/**
 * A local run found more rejected records than {@link LocalRunner#withMaxRejects} allows and stopped reading: the
 * outputs got exactly the first {@link #maxRejects()} rejects (in input line order) and the late records before the
 * next one, and no results.
 */
public final class RejectLimitExceededException extends RuntimeException {

    private final long maxRejects;
    private final long recordsRead;

    RejectLimitExceededException(long maxRejects, long recordsRead) {
        super("more than " + maxRejects + " records rejected; stopped after reading " + recordsRead + " records");
        this.maxRejects = maxRejects;
        this.recordsRead = recordsRead;
    }

    /** The limit that was passed. */
    public long maxRejects() {
        return maxRejects;
    }

    /** Lines the run had read when it stopped (the input may hold many more): evidence that it stopped early. */
    public long recordsRead() {
        return recordsRead;
    }
}

package io.sluice.functions.local;

/**
 * A local run passed a limit of {@link LocalRunner#withMaxRejects} and stopped reading: the outputs got exactly the
 * first {@link #rejectsPassedOn()} rejects (in input line order) and the late records before the next one, and no
 * results.
 */
public final class RejectLimitExceededException extends RuntimeException {

    private final long maxRejects;
    private final long maxRejectBytes;
    private final boolean byBytes;
    private final long rejectsPassedOn;
    private final long recordsRead;

    RejectLimitExceededException(long maxRejects, long maxRejectBytes, boolean byBytes, long rejectsPassedOn,
                                 long recordsRead) {
        super((byBytes ? "rejected and late records passed " + maxRejectBytes + " bytes" : "more than " + maxRejects
                + " records rejected") + "; stopped after reading " + recordsRead + " records");
        this.maxRejects = maxRejects;
        this.maxRejectBytes = maxRejectBytes;
        this.byBytes = byBytes;
        this.rejectsPassedOn = rejectsPassedOn;
        this.recordsRead = recordsRead;
    }

    /** The limit on the number of rejects. */
    public long maxRejects() {
        return maxRejects;
    }

    /** The limit on the bytes of rejected and late records. */
    public long maxRejectBytes() {
        return maxRejectBytes;
    }

    /** Whether the byte limit, not the count of rejects, stopped the run. */
    public boolean byBytes() {
        return byBytes;
    }

    /** Rejects passed on to the outputs: {@link #maxRejects()}, or fewer when the byte limit came first. */
    public long rejectsPassedOn() {
        return rejectsPassedOn;
    }

    /** Lines the run had read when it stopped (the input may hold many more): evidence that it stopped early. */
    public long recordsRead() {
        return recordsRead;
    }
}

package io.sluice.functions.runtime;

import io.sluice.state.StateStore;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a run or an invocation, safe to update from several splits at once. Every record read ends in
 * exactly one of: applied, rejected, late, replayed (skipped as already applied), or a CSV header line.
 */
public final class RunMetrics {

    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder headers = new LongAdder();
    private final LongAdder blankLines = new LongAdder();
    private final LongAdder partialWrites = new LongAdder();
    private final LongAdder fenceConflicts = new LongAdder();
    private final LongAdder partialsPreloaded = new LongAdder();
    private final LongAdder windowsFired = new LongAdder();
    private final LongAdder rowsOut = new LongAdder();
    private final LongAdder earlyRowsOut = new LongAdder();
    private final LongAdder windowsFailed = new LongAdder();
    private final LongAdder batchesNotApplied = new LongAdder();
    private final LongAdder batchesRecovered = new LongAdder();
    private final LongAdder batchesLost = new LongAdder();
    private final LongAdder largePartialWrites = new LongAdder();
    private final LongAccumulator largestPartialBytes = new LongAccumulator(Math::max, 0);
    private final LongAccumulator largestKeyStateBytes = new LongAccumulator(Math::max, 0);

    void recordIn(long n) {
        recordsIn.add(n);
    }

    void replayed(long n) {
        replayed.add(n);
    }

    void rejectedOne() {
        rejected.increment();
    }

    void lateOne() {
        late.increment();
    }

    void headerOne() {
        headers.increment();
    }

    void blankOne() {
        blankLines.increment();
    }

    /** Blank lines skipped: not records, so neither counted nor dead letters. */
    public long blankLines() {
        return blankLines.sum();
    }

    /** CSV header lines skipped. */
    public long headers() {
        return headers.sum();
    }

    void partialWrite() {
        partialWrites.increment();
    }

    /** A partial of {@code bytes} (approximate stored size) whose largest key's accumulator is {@code keyBytes}. */
    void partialSize(int bytes, int keyBytes) {
        largestPartialBytes.accumulate(bytes);
        largestKeyStateBytes.accumulate(keyBytes);
        if (bytes > StateStore.ITEM_LIMIT_BYTES) {   // chunked on DynamoDB (see io.sluice.state)
            largePartialWrites.increment();
        }
    }

    /** The largest partial written: a hot key bucket of one split and window, in bytes. */
    public long largestPartialBytes() {
        return largestPartialBytes.get();
    }

    /** The largest accumulator of one key written in a partial: a hot key's state, in encoded bytes. */
    public long largestKeyStateBytes() {
        return largestKeyStateBytes.get();
    }

    /** Partial writes over one DynamoDB item (400 KB): written as chunks there, billed per KB of changed pages. */
    public long largePartialWrites() {
        return largePartialWrites.sum();
    }

    void fenceConflict() {
        fenceConflicts.increment();
    }

    void partialsPreloaded(int n) {
        partialsPreloaded.add(n);
    }

    void windowFired(int rows) {
        windowsFired.increment();
        rowsOut.add(rows);
    }

    void windowFailed() {
        windowsFailed.increment();
    }

    /** Windows that could not fire (an overflowing total, a failing result function): reported to the dead letters. */
    public long windowsFailed() {
        return windowsFailed.sum();
    }

    /** A driver reports that a batch could not be applied (state or sink unavailable): it will be retried. */
    public void batchNotApplied() {
        batchesNotApplied.increment();
    }

    /** Batches reported back for a retry because the state store or a sink failed. */
    public long batchesNotApplied() {
        return batchesNotApplied.sum();
    }

    /** A processor applied a batch of records its source had skipped (read back by a driver). */
    public void batchRecovered() {
        batchesRecovered.increment();
    }

    /** Batches of records a source skipped that were read back and applied. */
    public long batchesRecovered() {
        return batchesRecovered.sum();
    }

    /** A driver could not read back a range its source gave up on (trimmed, too large): reported as a dead letter. */
    public void batchLost() {
        batchesLost.increment();
    }

    /** Ranges a source gave up on whose records are lost (each one dead letter with its coordinates). */
    public long batchesLost() {
        return batchesLost.sum();
    }

    void earlyRows(int rows) {
        earlyRowsOut.add(rows);
    }

    /** Records read, including rejected, late and replayed ones. */
    public long recordsIn() {
        return recordsIn.sum();
    }

    /** Records skipped because the split had already applied them (retries). */
    public long replayed() {
        return replayed.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long late() {
        return late.sum();
    }

    public long partialWrites() {
        return partialWrites.sum();
    }

    /** Conditional writes that found another fence and were re-applied (retries, new instances). */
    public long fenceConflicts() {
        return fenceConflicts.sum();
    }

    /** Partial items loaded in bulk before a cold batch (a new instance, or a split another instance moved on). */
    public long partialsPreloaded() {
        return partialsPreloaded.sum();
    }

    /** Windows (or session firing rounds' sessions) fired final. */
    public long windowsFired() {
        return windowsFired.sum();
    }

    /** Final result rows written. */
    public long rowsOut() {
        return rowsOut.sum();
    }

    /** Early (non-final) rows written. */
    public long earlyRowsOut() {
        return earlyRowsOut.sum();
    }

    @Override
    public String toString() {
        return "RunMetrics[in=" + recordsIn() + ", rejected=" + rejected() + ", late=" + late() + ", replayed="
                + replayed() + ", partialWrites=" + partialWrites() + ", fenceConflicts=" + fenceConflicts() + ", preloaded=" + partialsPreloaded()
                + ", windowsFired=" + windowsFired() + ", rowsOut=" + rowsOut() + ", largestPartialBytes="
                + largestPartialBytes() + ", largestKeyStateBytes=" + largestKeyStateBytes() + "]";
    }
}

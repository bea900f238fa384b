package io.sluice.orchestrator.batch;

import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The final firing's outputs, as the coordinator sees them: before each window is written, the deadline and the lease
 * are checked (a firing past its deadline stops between windows and is handed over: the firer releases the claims of
 * the group of windows in hand, up to 16, including those of the group already written, since none is marked fired
 * before all are; a resumed coordinator claims them at once and writes them again, to the same keys and job records);
 * after it is written, the window and its row count are recorded in the job store. It keeps
 * {@link Outputs#resultsOfWindows}' default, one window after the other, for these checks between windows. The report's {@code windowsFired} and {@code rowsOut} are read from these
 * records, so they are right whatever crashed after the rows were written.
 *
 * <pre>{@code
 * new WindowFirer(pipeline, store, new FiringOutputs(outputs, jobs, jobId, lease, deadline, clock), ..).fire(..);
 * }</pre>
 */
final class FiringOutputs implements Outputs {

    private final Outputs delegate;
    private final JobStore jobs;
    private final String jobId;
    private final Heartbeat lease;
    private final Instant deadline;
    private final Clock clock;
    private final Runnable afterWindow;

    FiringOutputs(Outputs delegate, JobStore jobs, String jobId, Heartbeat lease, Instant deadline, Clock clock,
                  Runnable afterWindow) {
        this.delegate = delegate;
        this.jobs = jobs;
        this.jobId = jobId;
        this.lease = lease;
        this.deadline = deadline;
        this.clock = clock;
        this.afterWindow = afterWindow;
    }

    @Override
    public void results(List<ResultRow> rows) {
        if (!clock.instant().isBefore(deadline)) {
            throw new HandOverException(jobId, "firing");
        }
        lease.check();
        delegate.results(rows);
        if (!rows.isEmpty()) {
            ResultRow first = rows.get(0);
            jobs.putFired(jobId, first.windowStart() + "-" + first.windowEnd(), rows.size(), lease.owner());
        }
        afterWindow.run();
    }

    @Override
    public void late(LateRecord record) {
        delegate.late(record);
    }

    @Override
    public void rejected(RejectedRecord record) {
        delegate.rejected(record);
    }

    /** Forwarded: the delegate may hold side outputs until the firer flushes them (SinkOutputs). */
    @Override
    public void flush(String split) {
        delegate.flush(split);
    }
}

package io.sluice.orchestrator.batch;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds a job's lease for as long as its coordinator runs: a daemon thread renews it every third of the lease, from
 * the claim to the release, through planning, fan-out and the final firing alike. {@link #check()} throws once the
 * lease is lost (a renewal refused, or none succeeded for a whole lease), so a coordinator stops before it writes to
 * the state store; the job store checks the lease atomically with each of its writes.
 *
 * <pre>{@code
 * try (Heartbeat lease = Heartbeat.start(jobs, jobId, owner, clock, 120_000)) { lease.check(); ... }
 * }</pre>
 */
final class Heartbeat implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());

    private final JobStore jobs;
    private final String jobId;
    private final String owner;
    private final Clock clock;
    private final long leaseMillis;
    private final ScheduledExecutorService timer;
    private volatile long renewedMillis;
    private volatile boolean lost;

    private Heartbeat(JobStore jobs, String jobId, String owner, Clock clock, long leaseMillis, long claimedMillis) {
        this.jobs = jobs;
        this.jobId = jobId;
        this.owner = owner;
        this.clock = clock;
        this.leaseMillis = leaseMillis;
        this.renewedMillis = claimedMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-job-lease-" + jobId);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, leaseMillis / 3);
        timer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** Starts renewing a lease {@code owner} claimed at {@code claimedMillis}. */
    static Heartbeat start(JobStore jobs, String jobId, String owner, Clock clock, long leaseMillis,
                           long claimedMillis) {
        return new Heartbeat(jobs, jobId, owner, clock, leaseMillis, claimedMillis);
    }

    private void renew() {
        if (lost) {
            return;
        }
        long now = clock.millis();
        try {
            if (jobs.claim(jobId, owner, now, leaseMillis)) {
                renewedMillis = now;
            } else {
                lost = true;
                LOG.log(Level.WARNING, "Batch job lease lost. job=[{0}] owner=[{1}]", jobId, owner);
            }
        } catch (RuntimeException e) {
            // A throttled or failed renewal: the next beat tries again; check() fails once the lease has lapsed.
            LOG.log(Level.WARNING, "Batch job lease renewal failed. job=[{0}] owner=[{1}] cause=[{2}]", jobId, owner,
                    e.toString());
        }
    }

    /** @throws LeaseLostException if the lease was taken or has lapsed */
    void check() {
        if (lost || clock.millis() >= renewedMillis + leaseMillis) {
            throw new LeaseLostException(jobId, owner);
        }
    }

    String owner() {
        return owner;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

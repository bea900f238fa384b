package io.sluice.orchestrator.batch;

/**
 * A coordinator's write was refused because it no longer holds the job's lease (it lapsed, and another coordinator may
 * have taken the job): the coordinator stops at once, writing nothing more.
 *
 * <pre>{@code
 * try { jobs.putTasks(jobId, tasks, owner); } catch (LeaseLostException lost) { return; }
 * }</pre>
 */
public final class LeaseLostException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public LeaseLostException(String jobId, String owner) {
        super("coordinator [" + owner + "] no longer holds the lease of job [" + jobId + "]: it stops, writing nothing");
    }
}

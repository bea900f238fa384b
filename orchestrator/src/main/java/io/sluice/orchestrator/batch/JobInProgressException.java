package io.sluice.orchestrator.batch;

/**
 * Another coordinator holds the job's lease: it is running the job now (or died less than a lease ago). Submit again
 * later; the job resumes from the table.
 *
 * <pre>{@code
 * try { coordinator.submit(spec); } catch (JobInProgressException busy) { retryLater(spec); }
 * }</pre>
 */
public final class JobInProgressException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public JobInProgressException(String jobId, String owner) {
        super("job [" + jobId + "] is being coordinated by another coordinator; this one is [" + owner
                + "]: submit again after its lease lapses");
    }
}

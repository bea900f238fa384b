package io.sluice.orchestrator.batch;

/**
 * The coordinator's deadline passed at a safe point (between planning checkpoints, registration writes, task answers
 * or fired windows): it stops there, and a new coordinator resumes the job from the table.
 *
 * <pre>{@code
 * if (!clock.instant().isBefore(deadline)) throw new HandOverException(jobId, "planning");
 * }</pre>
 */
final class HandOverException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    HandOverException(String jobId, String step) {
        super("job [" + jobId + "] reached its coordinator's deadline while " + step + "; handed over", null, false,
                false);
    }
}

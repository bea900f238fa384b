package io.sluice.orchestrator.batch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Test fixture: a {@link JobStore} that dies (throws) at the write a predicate picks, as a coordinator killed or
 * throttled at that point would: {@code (method, argument) -> true} throws before the write is made.
 */
class FaultyJobStore implements JobStore {

    private final JobStore delegate;
    private final BiPredicate<String, Object> failBefore;

    FaultyJobStore(JobStore delegate, BiPredicate<String, Object> failBefore) {
        this.delegate = delegate;
        this.failBefore = failBefore;
    }

    private void maybeFail(String method, Object argument) {
        if (failBefore.test(method, argument)) {
            throw new IllegalStateException("coordinator killed before " + method);
        }
    }

    @Override
    public Optional<JobRecord> readJob(String jobId) {
        return delegate.readJob(jobId);
    }

    @Override
    public boolean createJob(JobRecord job, String owner) {
        maybeFail("createJob", job);
        return delegate.createJob(job, owner);
    }

    @Override
    public void putJob(JobRecord job, String owner) {
        maybeFail("putJob", job);
        delegate.putJob(job, owner);
    }

    @Override
    public void putTasks(String jobId, List<TaskRecord> tasks, String owner) {
        maybeFail("putTasks", tasks);
        delegate.putTasks(jobId, tasks, owner);
    }

    @Override
    public void putPlan(String jobId, List<TaskRecord> planned, String owner) {
        maybeFail("putPlan", planned);
        delegate.putPlan(jobId, planned, owner);
    }

    @Override
    public void deleteTasks(String jobId, String owner) {
        delegate.deleteTasks(jobId, owner);
    }

    @Override
    public List<TaskRecord> tasks(String jobId) {
        return delegate.tasks(jobId);
    }

    @Override
    public void putFired(String jobId, String window, long rows, String owner) {
        maybeFail("putFired", window);
        delegate.putFired(jobId, window, rows, owner);
    }

    @Override
    public Map<String, Long> fired(String jobId) {
        return delegate.fired(jobId);
    }

    @Override
    public List<String> openJobs() {
        return delegate.openJobs();
    }

    @Override
    public boolean claim(String jobId, String owner, long nowMillis, long leaseMillis) {
        return delegate.claim(jobId, owner, nowMillis, leaseMillis);
    }

    @Override
    public void release(String jobId, String owner) {
        delegate.release(jobId, owner);
    }
}

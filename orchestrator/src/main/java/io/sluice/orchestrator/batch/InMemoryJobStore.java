package io.sluice.orchestrator.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobStore} in memory, for tests and local runs.
 *
 * <pre>{@code
 * JobStore jobs = new InMemoryJobStore();
 * }</pre>
 */
public final class InMemoryJobStore implements JobStore {

    private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, TaskRecord>> tasks = new ConcurrentHashMap<>();
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    private record Lease(String owner, long untilMillis) {
    }

    @Override
    public Optional<JobRecord> readJob(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public void putJob(JobRecord job) {
        jobs.put(job.jobId(), job);
    }

    @Override
    public void putTasks(String jobId, List<TaskRecord> records) {
        Map<String, TaskRecord> byId = tasks.computeIfAbsent(jobId, id -> new TreeMap<>());
        synchronized (byId) {
            records.forEach(r -> byId.put(r.taskId(), r));
        }
    }

    @Override
    public List<TaskRecord> tasks(String jobId) {
        Map<String, TaskRecord> byId = tasks.getOrDefault(jobId, Map.of());
        synchronized (byId) {
            return new ArrayList<>(byId.values());
        }
    }

    @Override
    public boolean claim(String jobId, String owner, long nowMillis, long leaseMillis) {
        Lease taken = leases.compute(jobId, (id, held) -> held == null || held.owner().equals(owner)
                || held.untilMillis() <= nowMillis ? new Lease(owner, nowMillis + leaseMillis) : held);
        return taken.owner().equals(owner);
    }

    @Override
    public void release(String jobId, String owner) {
        leases.computeIfPresent(jobId, (id, held) -> held.owner().equals(owner) ? null : held);
    }
}

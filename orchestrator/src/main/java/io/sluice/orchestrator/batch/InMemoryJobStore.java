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
}

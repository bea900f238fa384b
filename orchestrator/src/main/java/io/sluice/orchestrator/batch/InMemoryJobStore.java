package io.sluice.orchestrator.batch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobStore} in memory, for tests and local runs. Writes check the lease and its epoch as
 * {@link DynamoDbJobStore} does (and, stricter, that it has not lapsed).
 *
 * <pre>{@code
 * JobStore jobs = new InMemoryJobStore();
 * }</pre>
 */
public final class InMemoryJobStore implements JobStore {

    private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, TaskRecord>> tasks = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> fired = new ConcurrentHashMap<>();
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    /** Epoch of each job's lease: one more at every take-over, kept when the lease is released. */
    private final Map<String, Long> lastEpoch = new ConcurrentHashMap<>();
    /** The epoch each owner took, by job and owner (its first take-over). */
    private final Map<String, Long> epochs = new ConcurrentHashMap<>();
    private final Clock clock;

    private record Lease(String owner, long untilMillis, long epoch) {
    }

    public InMemoryJobStore() {
        this(Clock.systemUTC());
    }

    /** @param clock judges whether a lease has lapsed when a write is checked */
    public InMemoryJobStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<JobRecord> readJob(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public boolean createJob(JobRecord job, String owner) {
        checkLease(job.jobId(), owner);
        return jobs.putIfAbsent(job.jobId(), job) == null;
    }

    @Override
    public void putJob(JobRecord job, String owner) {
        checkLease(job.jobId(), owner);
        jobs.put(job.jobId(), job);
    }

    @Override
    public void putTasks(String jobId, List<TaskRecord> records, String owner) {
        checkLease(jobId, owner);
        Map<String, TaskRecord> byId = tasks.computeIfAbsent(jobId, id -> new TreeMap<>());
        synchronized (byId) {
            records.forEach(r -> byId.put(r.taskId(), r));
        }
    }

    @Override
    public void deleteTasks(String jobId, String owner) {
        checkLease(jobId, owner);
        tasks.remove(jobId);
    }

    @Override
    public List<TaskRecord> tasks(String jobId) {
        Map<String, TaskRecord> byId = tasks.getOrDefault(jobId, Map.of());
        synchronized (byId) {
            return new ArrayList<>(byId.values());
        }
    }

    @Override
    public void putFired(String jobId, String window, long rows, String owner) {
        checkLease(jobId, owner);
        fired.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>()).put(window, rows);
    }

    @Override
    public Map<String, Long> fired(String jobId) {
        return new TreeMap<>(fired.getOrDefault(jobId, Map.of()));
    }

    @Override
    public List<String> openJobs() {
        return jobs.values().stream().filter(j -> j.state() == JobRecord.State.PLANNING
                || j.state() == JobRecord.State.RUNNING).map(JobRecord::jobId).sorted().toList();
    }

    @Override
    public boolean claim(String jobId, String owner, long nowMillis, long leaseMillis) {
        Lease taken = leases.compute(jobId, (id, held) -> {
            if (held != null && held.owner().equals(owner)) {
                return new Lease(owner, nowMillis + leaseMillis, held.epoch());
            }
            if (held == null || held.untilMillis() <= nowMillis) {
                long epoch = lastEpoch.merge(jobId, 1L, Long::sum);
                epochs.putIfAbsent(jobId + "\n" + owner, epoch);
                return new Lease(owner, nowMillis + leaseMillis, epoch);
            }
            return held;
        });
        return taken.owner().equals(owner);
    }

    @Override
    public void release(String jobId, String owner) {
        leases.computeIfPresent(jobId, (id, held) -> {
            if (!held.owner().equals(owner)) {
                return held;
            }
            epochs.remove(jobId + "\n" + owner); // released: this owner writes no more
            return null;
        });
    }

    private void checkLease(String jobId, String owner) {
        Lease held = leases.get(jobId);
        if (held == null || !held.owner().equals(owner) || held.epoch() != epochs.getOrDefault(jobId + "\n" + owner, -1L)
                || held.untilMillis() <= clock.millis()) {
            throw new LeaseLostException(jobId, owner);
        }
    }
}

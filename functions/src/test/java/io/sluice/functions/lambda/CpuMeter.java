package io.sluice.functions.lambda;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU a piece of work costs the process, two ways, for benchmarks: the threads the work runs on (the caller and the
 * threads whose names start with a prefix, e.g. the state store's call threads), a lower bound; and the whole
 * process while it runs (GC and JIT compilation included, and whatever else the JVM does meanwhile), an upper bound.
 * Local engines are other processes. An idle rate measured first is reported, not subtracted: while the JIT is still
 * compiling, "idle" is not idle, and subtracting it would under-count.
 *
 * <pre>{@code
 * CpuMeter meter = CpuMeter.calibrated("sluice-dynamodb-", 2_000);
 * CpuMeter.Sample s = meter.start();
 * handler.handleRequest(event, null);
 * long threadsNanos = s.threadsNanos(), processNanos = s.processNanos();
 * }</pre>
 */
final class CpuMeter {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final String poolPrefix;
    /** Process CPU nanoseconds per wall nanosecond when nothing runs (idle JVM threads, the test framework). */
    private final double idlePerWallNano;

    private CpuMeter(String poolPrefix, double idlePerWallNano) {
        this.poolPrefix = poolPrefix;
        this.idlePerWallNano = idlePerWallNano;
    }

    /** Measures the process's idle CPU over {@code idleMillis} of sleep first. */
    static CpuMeter calibrated(String poolPrefix, long idleMillis) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        Thread.sleep(idleMillis);
        double idle = (double) (os.getProcessCpuTime() - cpu) / (System.nanoTime() - wall);
        return new CpuMeter(poolPrefix, idle);
    }

    double idlePerWallNano() {
        return idlePerWallNano;
    }

    Sample start() {
        return new Sample();
    }

    /** One measurement, from {@link #start} to {@link #stop}. */
    final class Sample {
        private final Map<Long, Long> poolStart = poolThreadsCpu();
        private final long callerStart = threads.getCurrentThreadCpuTime();
        private final long processStart = os.getProcessCpuTime();
        private long threadsNanos;
        private long processNanos;

        /** Ends the measurement; call it on the thread that called {@link #start}. */
        Sample stop() {
            long process = os.getProcessCpuTime() - processStart;
            long caller = threads.getCurrentThreadCpuTime() - callerStart;
            long pool = 0;
            // A thread that started during the work counts from zero; one that ended during it is lost (rare: the
            // store's threads idle out after 30 s), so this is a lower bound, and the process figure the check.
            for (Map.Entry<Long, Long> t : poolThreadsCpu().entrySet()) {
                pool += t.getValue() - poolStart.getOrDefault(t.getKey(), 0L);
            }
            threadsNanos = caller + pool;
            processNanos = process;
            return this;
        }

        long threadsNanos() {
            return threadsNanos;
        }

        long processNanos() {
            return processNanos;
        }
    }

    /**
     * CPU ticks (1/100 s) of every thread of this process, by thread id, with its kind (its name without digits:
     * {@code C2 CompilerThre}, {@code GC Thread#}, {@code java} for main, {@code sluice-dynamodb-}), from
     * {@code /proc/self/task} (Linux; empty elsewhere). Two readings show where the process's CPU went: the handler's
     * threads, or the collector and the JIT working for them.
     */
    static Map<String, long[]> threadTicks() {
        Map<String, long[]> ticks = new HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return ticks;
        }
        for (java.io.File task : tasks) {
            try {
                String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                int close = stat.lastIndexOf(')');
                String kind = stat.substring(stat.indexOf('(') + 1, close).replaceAll("[0-9]+", "").strip();
                String[] fields = stat.substring(close + 2).split(" ");
                // fields[11], fields[12]: utime and stime, the 14th and 15th fields of stat
                ticks.put(task.getName() + " " + kind, new long[]{Long.parseLong(fields[11]) + Long.parseLong(fields[12])});
            } catch (java.io.IOException | RuntimeException gone) {
                // a thread that ended while being read
            }
        }
        return ticks;
    }

    /**
     * CPU between two {@link #threadTicks} readings by thread kind, largest first ({@code kind=ms}); threads that
     * ended in between are left out, kinds under 1 % too.
     */
    static String ticksDelta(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, Long> byKind = new HashMap<>();
        after.forEach((thread, t) -> byKind.merge(thread.substring(thread.indexOf(' ') + 1),
                t[0] - before.getOrDefault(thread, new long[1])[0], Long::sum));
        long total = byKind.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder("total " + total * 10 + " ms");
        byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() * 100 >= Math.max(1, total))
                .forEach(e -> sb.append(", ").append(e.getKey()).append(' ').append(e.getValue() * 10).append(" ms"));
        return sb.toString();
    }

    /**
     * The pool's threads' CPU by thread id. The threads are listed from the root thread group, not by
     * {@code Thread.getAllStackTraces()}: that walks every thread's stack at a safepoint, on the VM thread, and twice a
     * batch that showed as 0.5-1.2 s of "VM Thread" CPU in a run, mistaken for the serial collector's.
     */
    private Map<Long, Long> poolThreadsCpu() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 64];
        int n = root.enumerate(all, true);
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Arrays.copyOf(all, n)) {
            if (t.getName().startsWith(poolPrefix)) {
                long nanos = threads.getThreadCpuTime(t.getId());
                if (nanos >= 0) {
                    cpu.put(t.getId(), nanos);
                }
            }
        }
        return cpu;
    }
}

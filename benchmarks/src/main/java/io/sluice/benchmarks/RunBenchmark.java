package io.sluice.benchmarks;

import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.local.RunSummary;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.state.memory.InMemoryStateStore;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end benchmark of the engine behind {@code ./sluice run} ({@link LocalRunner}) against a plain single loop
 * computing the same result, all in one JVM so that every ratio comes from one run on one machine state.
 *
 * <pre>{@code
 * java -Xmx4g -cp ... io.sluice.benchmarks.RunBenchmark --records 10000000 --seed 42 --dir /tmp/sluice-bench \
 *     --repeat 3 --pipelines gmv-by-category,gmv-total
 * }</pre>
 *
 * <p>For each pipeline and round (warm-up rounds first, then timed ones) it runs, in this order: the
 * Jackson-databind loop, the Jackson-streaming loop, the hand-scanner loop ({@link PlainLoops}), Sluice batch mode
 * with one task per available processor and with one task, and Sluice stream mode (4 shards, batches of 1,000) with
 * its shards on one thread per processor and on one thread.
 * Every run's final result must equal the first one, row for row, and Sluice runs must reject and drop nothing;
 * otherwise it fails.
 * It prints a Markdown table: best and median records/s, and each variant's best time over each loop's best time
 * (1.0 = as fast as the loop).
 */
public final class RunBenchmark {

    private RunBenchmark() {
    }

    /** Exits 0 on success, 1 if results differ or a run fails, 2 on bad arguments. */
    public static void main(String[] args) {
        try {
            run(BenchmarkOptions.parse(args), System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(BenchmarkOptions.USAGE);
            System.exit(2);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Runs the benchmark: the table goes to {@code out}, progress to {@code log}.
     *
     * @throws IllegalStateException if a variant's result differs from the others or a Sluice run rejected or
     *                               dropped records
     */
    public static void run(BenchmarkOptions options, PrintStream out, PrintStream log) {
        Path file = input(options, log);
        List<Measured> all = new ArrayList<>();
        for (String name : options.pipelines()) {
            PipelineDefinition<?> definition = definition(name);
            long windowMillis = ((TumblingWindows) definition.windows()).size().toMillis();
            boolean keyed = definition.keySelector().isPresent();
            CompiledPipeline compiled = CompiledPipeline.compile(definition);
            List<Variant> variants = variants(options).stream()
                    .filter(v -> options.variants().isEmpty() || options.variants().contains(v.id())).toList();
            List<Measured> measured = new ArrayList<>();
            for (Variant v : variants) {
                measured.add(new Measured(name, v, new long[options.repeat()], new long[options.repeat()]));
            }
            List<WindowTotals.Row> reference = null;
            String referenceFrom = null;
            int rounds = options.warmup() + options.repeat();
            for (int round = 0; round < rounds; round++) {
                int r = round - options.warmup();
                for (Measured m : measured) {
                    if (options.records() >= 100_000) {
                        System.gc();  // so one variant's garbage is not collected in the next one's time
                    }
                    long cpu0 = processCpuNanos();
                    Outcome o = m.variant.id().startsWith("loop")
                            ? loop(m.variant, file, windowMillis, keyed) : sluice(options, m.variant, compiled, file);
                    long cpu = processCpuNanos() - cpu0;
                    if (o.records() != options.records()) {
                        throw new IllegalStateException(name + " " + m.variant.label() + " read " + o.records()
                                + " records, expected " + options.records());
                    }
                    if (reference == null) {
                        reference = o.rows();
                        referenceFrom = m.variant.label();
                    } else {
                        String diff = WindowTotals.difference(reference, o.rows());
                        if (diff != null) {
                            throw new IllegalStateException("RESULTS DIFFER: pipeline " + name + ", "
                                    + m.variant.label() + " vs " + referenceFrom + ": " + diff);
                        }
                    }
                    if (r >= 0) {
                        m.nanos[r] = o.nanos();
                        m.cpuNanos[r] = cpu;
                    }
                    log.printf(Locale.ROOT, "%s %-22s %s: %6.2f s %,12.0f records/s, CPU %6.2f s %s%n", name,
                            m.variant.label(), r < 0 ? "warm-up " + (round + 1) + "/" + options.warmup()
                                    : "run " + (r + 1) + "/" + options.repeat(),
                            o.nanos() / 1e9, perSecond(options.records(), o.nanos()), cpu / 1e9, o.note());
                }
            }
            log.printf(Locale.ROOT, "%s: all %d runs produced the same %d rows%n", name, rounds * measured.size(),
                    reference == null ? 0 : reference.size());
            all.addAll(measured);
        }
        printTable(options, file, all, out);
    }

    private record Variant(String id, String label, int threads) {
    }

    private record Outcome(long records, long nanos, List<WindowTotals.Row> rows, String note) {
    }

    /** Wall and process CPU time (all threads, GC and JIT included) of each timed run. */
    private record Measured(String pipeline, Variant variant, long[] nanos, long[] cpuNanos) {
        long best() {
            return Arrays.stream(nanos).min().orElseThrow();
        }

        long bestCpu() {
            return Arrays.stream(cpuNanos).min().orElseThrow();
        }

        long median() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    private static List<Variant> variants(BenchmarkOptions o) {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("loop-bind", "loop (Jackson bind)", 1));
        v.add(new Variant("loop-stream", "loop (Jackson stream)", 1));
        v.add(new Variant("loop-hand", "loop (hand scanner)", 1));
        v.add(new Variant("batch", "batch x" + o.tasks() + " tasks", o.tasks()));
        if (o.tasks() != 1) {
            v.add(new Variant("batch-1", "batch x1 task", 1));
        }
        int threads = Math.min(o.shards(), Runtime.getRuntime().availableProcessors());
        v.add(new Variant("stream", "stream " + o.shards() + " shards x" + o.streamBatchSize(), threads));
        if (threads != 1) {
            v.add(new Variant("stream-1", "stream " + o.shards() + " shards x" + o.streamBatchSize() + ", 1 thread", 1));
        }
        return v;
    }

    private static Outcome loop(Variant v, Path file, long windowMillis, boolean keyed) {
        WindowTotals totals = new WindowTotals(windowMillis);
        long t0 = System.nanoTime();
        long n = switch (v.id()) {
            case "loop-bind" -> PlainLoops.bind(file, totals, keyed);
            case "loop-stream" -> PlainLoops.stream(file, totals, keyed);
            default -> PlainLoops.hand(file, totals, keyed);
        };
        long nanos = System.nanoTime() - t0;
        return new Outcome(n, nanos, totals.rows(), "");
    }

    private static Outcome sluice(BenchmarkOptions o, Variant v, CompiledPipeline compiled, Path file) {
        LocalRunner runner = switch (v.id()) {
            case "batch" -> LocalRunner.batch(o.tasks(), o.batchSize());
            case "batch-1" -> LocalRunner.batch(1, o.batchSize());
            case "stream-1" -> LocalRunner.stream(o.shards(), o.streamBatchSize()).withShardThreads(1);
            default -> LocalRunner.stream(o.shards(), o.streamBatchSize());
        };
        CollectingOutputs outputs = Outputs.collecting();
        long t0 = System.nanoTime();
        RunSummary summary;
        try {
            summary = runner.run(compiled, LocalInput.of(file), new InMemoryStateStore(), outputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long nanos = System.nanoTime() - t0;
        var m = summary.metrics();
        if (m.rejected() != 0 || m.late() != 0 || !outputs.earlyResults().isEmpty()) {
            throw new IllegalStateException(v.label() + ": " + m.rejected() + " rejected, " + m.late() + " late, "
                    + outputs.earlyResults().size() + " early rows; expected none");
        }
        return new Outcome(m.recordsIn(), nanos, WindowTotals.rowsOf(outputs.finalResults()),
                "(" + m.partialWrites() + " partial writes, " + m.windowsFired() + " windows)");
    }

    private static PipelineDefinition<?> definition(String name) {
        return switch (name) {
            case "gmv-by-category" -> GmvPipelines.byCategory();
            case "gmv-total" -> GmvPipelines.total();
            default -> throw new IllegalArgumentException("unknown pipeline " + name
                    + " (known: gmv-by-category, gmv-total)");
        };
    }

    /** The generated input for the options' records and seed, generated once and reused. */
    private static Path input(BenchmarkOptions o, PrintStream log) {
        Path file = o.dir().resolve("orders-" + o.records() + "-seed" + o.seed() + ".jsonl");
        if (Files.isRegularFile(file)) {
            log.println("reusing " + file);
            return file;
        }
        try {
            Files.createDirectories(o.dir());
            Path tmp = Files.createTempFile(o.dir(), "orders-", ".tmp");
            long t0 = System.nanoTime();
            try (OutputStream out = Files.newOutputStream(tmp)) {
                OrdersGenerator.builder().records(o.records()).seed(o.seed()).build().writeJsonLines(out);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            log.printf(Locale.ROOT, "generated %s (%,d bytes) in %.1f s%n", file, Files.size(file),
                    (System.nanoTime() - t0) / 1e9);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate " + file + ": " + e.getMessage(), e);
        }
    }

    /** CPU time of this process so far, or 0 if the JVM does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static double perSecond(long records, long nanos) {
        return records / Math.max(1e-9, nanos / 1e9);
    }

    private static void printTable(BenchmarkOptions o, Path file, List<Measured> all, PrintStream out) {
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "%n%,d records (%s), seed %d, best and median of %d after %d warm-up; %d processors, "
                        + "Java %s (%s), max heap %d MB%n%n", o.records(), file, o.seed(), o.repeat(), o.warmup(),
                rt.availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.maxMemory() >> 20);
        out.println("| pipeline | variant | threads | best s | best records/s | median records/s "
                + "| time / bind loop | time / stream loop | time / hand loop | least CPU s | records per CPU-s |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Measured m : all) {
            Measured bind = find(all, m.pipeline(), "loop-bind");
            Measured stream = find(all, m.pipeline(), "loop-stream");
            Measured hand = find(all, m.pipeline(), "loop-hand");
            out.printf(Locale.ROOT, "| %s | %s | %d | %.2f | %,.0f | %,.0f | %s | %s | %s | %.2f | %,.0f |%n",
                    m.pipeline(), m.variant().label(), m.variant().threads(), m.best() / 1e9,
                    perSecond(o.records(), m.best()), perSecond(o.records(), m.median()), ratio(m, bind),
                    ratio(m, stream), ratio(m, hand), m.bestCpu() / 1e9, perSecond(o.records(), m.bestCpu()));
        }
        out.println();
        out.println("time / loop = the variant's best time over the loop's best time (1.00 = as fast as the loop; "
                + "issue 3 target for batch mode: <= 1.5 against the bind loop). CPU = this process's CPU time "
                + "(all threads, GC and JIT included): records per CPU-s is what other load on the machine "
                + "disturbs least.");
    }

    private static Measured find(List<Measured> all, String pipeline, String id) {
        return all.stream().filter(m -> m.pipeline().equals(pipeline) && m.variant().id().equals(id))
                .findFirst().orElse(null);
    }

    private static String ratio(Measured m, Measured loop) {
        return loop == null ? "-" : String.format(Locale.ROOT, "%.2f", (double) m.best() / loop.best());
    }
}

package io.sluice.simulator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs histories {@code seed, seed + 1, ...} and reports: one line per violation (seed, invariant, numbers), a shrunk
 * history that replays the first violation of each failing history, how many histories drew each fault class, and
 * last {@code N histories, V violations}.
 *
 * <pre>{@code
 * Simulation.Result r = new Simulation(Simulation.Options.defaults().withHistories(200), System.out).run();
 * r.violations();   // 0 when every invariant held
 * }</pre>
 */
public final class Simulation {

    /**
     * What to run.
     *
     * @param seed         first history's seed
     * @param histories    how many
     * @param scenarios    fault classes histories may draw
     * @param pipeline     one pipeline, or a random one per history
     * @param shrinkBudget re-runs spent shrinking each failing history (0: no shrinking)
     */
    public record Options(long seed, int histories, Set<FaultClass> scenarios, Optional<SimPipelines.Variant> pipeline,
                          int shrinkBudget) {

        public Options {
            if (histories < 0) {
                throw new IllegalArgumentException("histories must be >= 0 but was " + histories);
            }
            scenarios = scenarios.isEmpty() ? EnumSet.noneOf(FaultClass.class) : EnumSet.copyOf(scenarios);
        }

        /** The options a replay needs besides the seed: {@code --scenarios ...} and {@code --pipeline ...}. */
        public String replayArguments() {
            StringBuilder b = new StringBuilder();
            if (!scenarios.equals(EnumSet.allOf(FaultClass.class))) {
                StringBuilder names = new StringBuilder();
                scenarios.forEach(c -> names.append(names.length() == 0 ? "" : ",").append(c.cliName()));
                b.append(" --scenarios ").append(names.length() == 0 ? "none" : names);
            }
            pipeline.ifPresent(p -> b.append(" --pipeline ").append(p.pipelineName()));
            return b.toString();
        }

        public static Options defaults() {
            return new Options(1, 100, EnumSet.allOf(FaultClass.class), Optional.empty(), 300);
        }

        public Options withSeed(long s) {
            return new Options(s, histories, scenarios, pipeline, shrinkBudget);
        }

        public Options withHistories(int n) {
            return new Options(seed, n, scenarios, pipeline, shrinkBudget);
        }

        public Options withScenarios(Set<FaultClass> c) {
            return new Options(seed, histories, c, pipeline, shrinkBudget);
        }

        public Options withPipeline(Optional<SimPipelines.Variant> p) {
            return new Options(seed, histories, scenarios, p, shrinkBudget);
        }

        public Options withShrinkBudget(int b) {
            return new Options(seed, histories, scenarios, pipeline, b);
        }
    }

    /**
     * Totals of a run.
     *
     * @param histories        histories run
     * @param violations       violation lines printed
     * @param failedHistories  histories with at least one violation
     * @param lines            every violation line, in order
     * @param drawn            histories that drew each fault class
     */
    public record Result(int histories, int violations, int failedHistories, List<String> lines,
                         Map<FaultClass, Integer> drawn) {
    }

    /** Shrinking costs up to the budget in re-runs: a run shrinks this many failing histories per invariant. */
    static final int SHRUNK_PER_INVARIANT = 3;

    private final Options options;
    private final PrintStream out;
    private HistoryRunner.PlantedBug planted = HistoryRunner.PlantedBug.NONE;

    public Simulation(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Plants a bug in every history (the checker's own tests). */
    Simulation planting(HistoryRunner.PlantedBug bug) {
        this.planted = bug;
        return this;
    }

    HistoryGenerator generator() {
        return new HistoryGenerator(options.scenarios(), options.pipeline());
    }

    /** The violations of one history, with nothing printed. */
    List<Violation> check(long seed) {
        History h = generator().generate(seed);
        return Checker.check(h, new HistoryRunner(h, false, planted).run());
    }

    public Result run() {
        HistoryGenerator generator = generator();
        Map<FaultClass, Integer> drawn = new EnumMap<>(FaultClass.class);
        Map<String, Integer> byInvariant = new TreeMap<>();
        Map<FaultClass, Integer> failedByClass = new EnumMap<>(FaultClass.class);
        List<String> lines = new ArrayList<>();
        Map<String, Integer> shrunk = new TreeMap<>();
        int failed = 0;
        int chunked = 0;
        long started = System.nanoTime();
        for (int i = 0; i < options.histories(); i++) {
            long seed = options.seed() + i;
            History h = generator.generate(seed);
            h.drawn().forEach(c -> drawn.merge(c, 1, Integer::sum));
            Outcome outcome = new HistoryRunner(h, false, planted).run();
            chunked += outcome.chunkedWrites > 0 ? 1 : 0;
            List<Violation> violations = Checker.check(h, outcome);
            if (violations.isEmpty()) {
                continue;
            }
            failed++;
            h.drawn().forEach(c -> failedByClass.merge(c, 1, Integer::sum));
            for (Violation v : violations) {
                String line = v.line(seed, h.variant()) + " (drawn: " + h.drawnNames() + ")";
                lines.add(line);
                out.println(line);
                byInvariant.merge(v.invariant(), 1, Integer::sum);
            }
            if (options.shrinkBudget() > 0) {
                String invariant = violations.get(0).invariant();
                if (shrunk.merge(invariant, 1, Integer::sum) <= SHRUNK_PER_INVARIANT) {
                    printShrunk(h, violations.get(0));
                } else {
                    out.println("  (not shrunk: " + SHRUNK_PER_INVARIANT + " [" + invariant + "] histories shrunk "
                            + "already; --replay " + seed + " shrinks it)");
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.println("fault classes drawn (histories): " + counts(drawn));
        out.println("histories with partials over the " + HistoryRunner.ITEM_LIMIT_BYTES + "-byte item limit: " + chunked);
        if (!lines.isEmpty()) {
            out.println("histories with violations, by fault class drawn: " + counts(failedByClass));
            out.println("violations by invariant: " + byInvariant);
        }
        out.printf("%d failing histories; %.1f histories/s%n", failed, options.histories() / Math.max(seconds, 1e-9));
        out.println(options.histories() + " histories, " + lines.size() + " violations");
        return new Result(options.histories(), lines.size(), failed, lines, drawn);
    }

    /** Re-runs one history verbosely: the history, its trace, its violations and a shrunk history. */
    public Result replay(long seed) {
        History h = generator().generate(seed);
        out.print(h.describe());
        Outcome o = new HistoryRunner(h, true, planted).run();
        out.print(o.trace);
        out.println("late: " + o.late.keySet() + "  rejected: " + o.rejected.keySet() + "  given up: "
                + o.discarded.keySet() + "  pending at end: " + o.pending);
        List<Violation> violations = Checker.check(h, o);
        List<String> lines = new ArrayList<>();
        for (Violation v : violations) {
            String line = v.line(seed, h.variant());
            lines.add(line);
            out.println(line);
        }
        if (!violations.isEmpty() && options.shrinkBudget() > 0) {
            printShrunk(h, violations.get(0));
        }
        Map<FaultClass, Integer> drawn = new EnumMap<>(FaultClass.class);
        h.drawn().forEach(c -> drawn.put(c, 1));
        out.println("1 histories, " + lines.size() + " violations");
        return new Result(1, lines.size(), violations.isEmpty() ? 0 : 1, lines, drawn);
    }

    private void printShrunk(History h, Violation first) {
        History shrunk = new Shrinker(first.invariant(), planted, options.shrinkBudget()).shrink(h);
        out.print("  shrunk [" + first.invariant() + "] from " + h.records().size() + " records / "
                + h.actions().size() + " actions (./sluice simulate --replay " + h.seed() + options.replayArguments()
                + "): ");
        out.print(shrunk.describe().replace("\n", "\n    ").stripTrailing());
        out.println();
        List<Violation> still = Checker.check(shrunk, new HistoryRunner(shrunk, false, planted).run());
        still.stream().filter(v -> v.invariant().equals(first.invariant())).findFirst()
                .ifPresent(v -> out.println("    -> " + v.detail()));
    }

    private static String counts(Map<FaultClass, Integer> counts) {
        StringBuilder b = new StringBuilder();
        for (FaultClass c : FaultClass.values()) {
            b.append(b.length() == 0 ? "" : " ").append(c.cliName()).append('=').append(counts.getOrDefault(c, 0));
        }
        return b.toString();
    }
}

package io.sluice.cli;

import io.sluice.simulator.FaultClass;
import io.sluice.simulator.SimPipelines;
import io.sluice.simulator.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code sluice simulate}: runs the real stream runtime under seeded random schedules of deliveries, faults and
 * reshards and checks the invariants after each history (see {@code io.sluice.simulator}). Prints one line per
 * violation with its seed and a shrunk history, then {@code N histories, V violations}; exits 1 on any violation.
 *
 * <pre>{@code
 * ./sluice simulate --histories 1000 --seed 1
 * ./sluice simulate --replay 17 --scenarios crash,reshard-split --pipeline gmv-by-category
 * }</pre>
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Deterministic simulation: the real runtime under seeded faults and reshards, invariants checked.")
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--histories", defaultValue = "100", description = "Histories to run. Default: ${DEFAULT-VALUE}.")
    int histories;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first history; history i uses seed + i. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--pipeline", description = "Run only this pipeline: gmv-by-category, gmv-total, gmv-sliding, "
            + "gmv-session. Default: a random one per history.")
    String pipeline;

    @Option(names = "--replay", description = "Re-run the history of this seed verbosely (same --scenarios and "
            + "--pipeline as the run that printed it).")
    Long replay;

    @Option(names = "--scenarios", defaultValue = "all", description = "Fault classes histories may draw, "
            + "comma-separated: instances, crash, throttle, bisect, duplicate, overlap, fire, reshard-split, "
            + "reshard-merge, empty-shard, idle, late, malformed, far-future, overflow, min-ts, give-up, "
            + "give-up-unrecorded, redeploy. "
            + "Default: ${DEFAULT-VALUE}.")
    String scenarios;

    @Option(names = "--shrink-budget", defaultValue = "300", description = "Re-runs spent shrinking each failing "
            + "history; 0 prints no shrunk history. Default: ${DEFAULT-VALUE}.")
    int shrinkBudget;

    @Override
    public Integer call() {
        if (histories < 0 || shrinkBudget < 0) {
            throw new SluiceCommand.UsageException("--histories and --shrink-budget must be >= 0");
        }
        Set<FaultClass> classes;
        Optional<SimPipelines.Variant> variant;
        try {
            classes = FaultClass.parse(scenarios);
            variant = pipeline == null ? Optional.empty() : Optional.of(SimPipelines.Variant.named(pipeline));
        } catch (IllegalArgumentException e) {
            throw new SluiceCommand.UsageException(e.getMessage());
        }
        Simulation simulation = new Simulation(Simulation.Options.defaults().withSeed(seed).withHistories(histories)
                .withScenarios(classes).withPipeline(variant).withShrinkBudget(shrinkBudget), System.out);
        Simulation.Result result = replay != null ? simulation.replay(replay) : simulation.run();
        return result.violations() == 0 ? 0 : 1;
    }
}

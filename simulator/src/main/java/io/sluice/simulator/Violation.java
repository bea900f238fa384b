package io.sluice.simulator;

/**
 * One broken invariant of one history.
 *
 * @param invariant short name: {@code accounting} (1), {@code stream-batch} (2), {@code unfired} (3),
 *                  {@code fired-twice} (4), {@code late-on-time}, {@code ts-range}, {@code stall}
 * @param detail    what broke, with numbers
 */
public record Violation(String invariant, String detail) {

    /** The printed line: {@code seed=42 gmv-total [accounting] ...}. */
    public String line(long seed, SimPipelines.Variant variant) {
        return "seed=" + seed + " " + variant.pipelineName() + " [" + invariant + "] " + detail;
    }
}

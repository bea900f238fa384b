package io.sluice.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one history produced, by record identity: final firings in order, records sent to the late output and to
 * the dead letters (deduplicated by position, as idempotent sinks do), what the event source mapping gave up on,
 * the windows still pending at the end, and a stall if the runtime ran out of its step budget.
 */
final class Outcome {

    /** Partial writes over the simulator's item limit: what DynamoDB would write as chunks behind a head. */
    long chunkedWrites;
    /** Each final firing's rows, in emission order. */
    final List<List<SimulatedRuntime.Row>> firings = new ArrayList<>();
    /** Late record ids, with how often they were sent. */
    final Map<Integer, Integer> late = new TreeMap<>();
    /** Rejected record ids and their (first) reason. */
    final Map<Integer, String> rejected = new TreeMap<>();
    /**
     * Window rows the runtime reported to the dead letters as a whole (a total that cannot be computed), as
     * {@link Checker#cellKey} keys; their records are accounted for by that report.
     */
    final java.util.Set<String> unfirable = new java.util.TreeSet<>();
    /** Keys whose sessions the runtime reported to the dead letters as a whole. */
    final java.util.Set<String> unfirableSessionKeys = new java.util.TreeSet<>();
    /**
     * Record ids an invocation handled and completed (in its batch, after the split's fence, no fault struck): an
     * on-failure range's record the mapping delivered again and the operator counted (not late) is then "before"
     * the later records of its lineage, as any other ({@link Checker}, late-on-time).
     */
    final java.util.Set<Integer> appliedByInvocations = new java.util.TreeSet<>();
    /** On-failure records of batches no attempt was recorded for ({@link FaultClass#GIVE_UP_UNRECORDED}). */
    final List<io.sluice.functions.driver.OnFailureRecord> onFailure = new java.util.ArrayList<>();
    /** Record ids the event source mapping sent to its on-failure destination after its retries, and why. */
    final Map<Integer, String> discarded = new TreeMap<>();
    /**
     * Shards left unfinished by the operator though a shard after them in their lineage applied a batch (Lambda
     * delivers it only once they are drained), found before the end's own finishing: each holds the global watermark.
     */
    List<String> unfinishedParents = List.of();
    /** Windows pending once every split finished. */
    List<String> pending = List.of();
    /** Set if the final firing itself failed. */
    String finalFiringError;
    /** Set if a runaway loop exhausted the step budget. */
    String stall;
    /** Verbose trace (only with {@code --replay}). */
    final StringBuilder trace = new StringBuilder();
}

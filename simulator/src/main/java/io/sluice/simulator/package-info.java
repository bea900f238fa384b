/**
 * A deterministic simulator of Sluice's stream runtime, in the manner of FoundationDB's simulation tests and
 * TigerBeetle's VOPR: the real runtime ({@code KinesisOperator}, {@code SplitProcessor}, {@code WindowFirer},
 * {@code GlobalWatermark}, {@code ShardRegistry}, {@code InMemoryStateStore}) runs single-threaded under a schedule
 * drawn from one seed, and after every history a checker holds the outcome against the invariants of DESIGN.md.
 *
 * <h2>A history</h2>
 * 50 to 350 orders, a few categories, 5 s of disorder; some late (60 to 240 s behind), malformed, far-future (year
 * 2100, or microseconds), overflowing (amounts near {@code Long.MAX_VALUE}) or at {@code Long.MIN_VALUE}. One to
 * three shards that split and merge (children delivered only once their parents are drained, registered through
 * {@code ShardRegistry}), some empty. Batches of 1 to 100 records delivered to one of up to four Lambda instances,
 * with crashes and throttles at the k-th state-store write, retries from the reported record (bisected or not),
 * duplicated deliveries of acknowledged batches, attempts that time out and keep running while their retry runs,
 * firings by other instances at random points, pauses past the idleness timeout, batches the event source mapping
 * gives up on, and instances whose pipeline declares another key-bucket count (a redeploy). At the end every shard is
 * drained, every split finished and a final firing runs.
 *
 * <h2>What is checked</h2>
 * <ol>
 *   <li><b>accounting</b>: every record is in exactly one of results, late output, dead letters: per window and
 *       key, input count and sum = results + late + rejected (exact, in {@code BigInteger});</li>
 *   <li><b>stream-batch</b>: the results equal a BATCH-mode run over exactly the records that were not late and not
 *       rejected, row for row;</li>
 *   <li><b>unfired</b>: once every split is finished, no window is pending;</li>
 *   <li><b>unfinished-parent</b>: once everything is delivered, and before the end finishes the splits itself, no shard
 *       is unfinished while a shard after it in its lineage applied a batch;</li>
 *   <li><b>fired-twice</b>: no window fired twice with different rows;</li>
 *   <li>and <b>late-on-time</b> (a record within disorder of its shard lineage is never late), <b>ts-range</b>
 *       (out-of-range timestamps are rejected) and <b>stall</b> (no invocation exceeds a step budget).</li>
 * </ol>
 * A history is reproducible from its seed (with the same scenario and pipeline options); a failing one is shrunk
 * by dropping actions, faults and records while the same invariant still breaks. {@link
 * io.sluice.simulator.SimulatedRuntime} is the only class that touches the runtime.
 *
 * <pre>{@code
 * ./sluice simulate --histories 1000 --seed 1            # ... 1000 histories, 0 violations
 * ./sluice simulate --replay 17                          # one history, verbosely, with its shrunk form
 * }</pre>
 */
package io.sluice.simulator;

/**
 * The runtime: one operator chain under every driver (Kinesis batch, S3 task, local file, test, simulator), run
 * through {@link io.sluice.functions.driver.PipelineRun}. Pipeline code never imports this package.
 *
 * <h2>One invocation of a split ({@link io.sluice.functions.runtime.SplitProcessor})</h2>
 * <ol>
 *   <li>record the attempt ({@link io.sluice.state.StateStore#startAttempt}: the split is active, an attempt up to
 *       the batch's last record has started) before anything is read or written;</li>
 *   <li>skip records at or before the split's stored fence (a replay of work already done);</li>
 *   <li>decode each record; a malformed one goes to the dead letters with its reason and coordinates;</li>
 *   <li>run the fused steps (map / filter / flatMap / timestamps), track the highest timestamp; a timestamp
 *       outside the pipeline's accepted range (by default from the epoch to a day ahead of the wall clock) is a
 *       dead letter, so it never moves the watermark;</li>
 *   <li>assign windows; a record late for all its windows goes to the late output. Late is judged against the
 *       pipeline's published watermark (every window that may have fired is at or before it) or, where higher,
 *       the split's own stored watermark. Both only rise, so a retry judges a record at least as late as the failed
 *       attempt did; a late record that a failed attempt may have counted (at or before its attempt fence) is
 *       looked up in its item and skipped if the item's fence shows it applied (invariants 1 and 2);</li>
 *   <li><b>combine in memory per (window, key)</b>; a record whose aggregate would overflow is a dead letter by
 *       itself (exact sums never wrap around); then merge into the split's partial items and write each with a
 *       condition on the fence last seen ({@link io.sluice.functions.runtime.PartialWriter}); on a fence conflict
 *       re-read and re-apply only the records after the stored fence;</li>
 *   <li>store the split's new watermark (max timestamp − disorder) and fence as a monotone merge (invariant 3).</li>
 * </ol>
 * Then {@link io.sluice.functions.runtime.WindowFirer} fires the windows the global watermark
 * ({@link io.sluice.functions.runtime.GlobalWatermark}: minimum over active, non-idle splits) has passed, once each
 * (claims); a window row that cannot be computed (its total overflows) is reported to the dead letters by itself,
 * and the window's other keys and the later windows fire (invariant 4).
 *
 * <p>Batch mode is bounded streaming: a task's watermark stays at the minimum while it runs and jumps to
 * +infinity when it finishes, so no record is late and every window fires once all tasks are done.
 *
 * <h2>Hot paths (issue 15, BENCHMARKS.md)</h2>
 * Per record: one lookup in the slot's {@link io.sluice.functions.runtime.CellMap} (open addressing by a
 * multiplicative hash, because {@code String.hashCode} of keys like {@code c-0 … c-999} clusters in the low bits a
 * {@code HashMap} indexes by). Per batch and item: only the cells the batch changed are encoded again
 * ({@link io.sluice.functions.runtime.ItemEncoding}; the others keep their entry), so a stream batch of 1,000
 * records costs about its distinct keys, not every key of every item it touches. Neither changes what is written:
 * an item holds one entry per (key, window) with the merged accumulator, as before; only the order of entries
 * within an item may differ, and nothing reads them in order (firing sorts by key).
 */
package io.sluice.functions.runtime;

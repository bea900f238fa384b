/**
 * The runtime: one operator chain, three drivers (Kinesis batch, S3 task, local file). Pipeline code never
 * imports this package.
 *
 * <h2>One invocation of a split ({@link io.sluice.functions.runtime.SplitProcessor})</h2>
 * <ol>
 *   <li>skip records at or before the split's stored fence (a replay of work already done);</li>
 *   <li>decode each record; a malformed one goes to the dead-letter output with its reason and coordinates;</li>
 *   <li>run the fused steps (map / filter / flatMap / timestamps), track the highest timestamp;</li>
 *   <li>assign windows; a record late for all its windows goes to the late output. Late is judged against the
 *       global watermark at the start of the batch or, where higher, the split's own stored watermark: the same
 *       on every attempt of a batch, so a retry never sends to the late output a record a failed attempt already
 *       wrote into a window that has fired since;</li>
 *   <li><b>combine in memory per (window, key)</b>, then merge into the split's partial items and write each
 *       with a condition on the fence last seen ({@link io.sluice.functions.runtime.PartialWriter}); on a fence
 *       conflict re-read and re-apply only the records after the stored fence;</li>
 *   <li>store the split's new watermark (max timestamp − disorder) and fence.</li>
 * </ol>
 * Then {@link io.sluice.functions.runtime.WindowFirer} fires the windows the global watermark
 * ({@link io.sluice.functions.runtime.GlobalWatermark}: minimum over active, non-idle splits) has passed.
 *
 * <p>Batch mode is bounded streaming: a task's watermark stays at the minimum while it runs and jumps to
 * +infinity when it finishes, so no record is late and every window fires once all tasks are done.
 */
package io.sluice.functions.runtime;

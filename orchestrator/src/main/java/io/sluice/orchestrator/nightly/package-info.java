/**
 * The nightly check in production: yesterday's raw input archive recomputed by the batch coordinator and compared,
 * row for row, with what the live pipeline showed.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Archive: the operator writes each batch under an idempotent key, not Firehose.</b> Firehose from the
 *   stream delivers at least once (a retried delivery duplicates records, which a recomputation would count twice)
 *   and files objects by arrival time, so records of 23:59:59 arriving after midnight land in the wrong day; it bills
 *   every record rounded up to 5 KB ($0.029/GB ingested: about $0.15 per million orders of ~150 bytes) before
 *   dynamic partitioning. The operator already processes each shard in order with fences; {@code RawArchive} files
 *   each batch's records by event-time day under a key named by its first record, confirmed by a per-shard fence in
 *   the coordination table, so retries overwrite rather than add (BENCHMARKS.md: S3 requests and dollars per million
 *   records). Lifecycle: the data bucket's rule expires {@code archive/} after {@code RetentionDays}.</li>
 *   <li><b>Schedule.</b> {@code NightlyCheckFunction} runs at 01:00 UTC over yesterday's UTC day: the allowed
 *   lateness and the idleness timeout (2 min) have long passed, so every live window of the day is final and every
 *   record of it archived. It hands an unfinished job over to a new invocation of itself, as the coordinator does.</li>
 *   <li><b>Verdict.</b> {@link io.sluice.orchestrator.nightly.ConsistencyCheck} compares each window's keys and value
 *   columns exactly; a live row that is not final, a key on one side only, or one cent of difference makes the window
 *   differ. The report lists the first 10 differing rows.</li>
 *   <li><b>Alarms</b> (template): any differing window; no completed check in 24 hours (late, or failing before the
 *   end); errors of the function.</li>
 *   <li><b>Known limit.</b> Records the live pipeline judged late (its late output) are in the archive and counted
 *   by the job, so a day with late records is reported INCONSISTENT with those windows listed: the live view did
 *   miss them. With {@code boundedDisorder(5 s)} and a stream that keeps up, there are none.</li>
 * </ul>
 */
package io.sluice.orchestrator.nightly;

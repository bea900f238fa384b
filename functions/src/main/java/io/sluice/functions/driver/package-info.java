/**
 * The driver seam: {@link io.sluice.functions.driver.PipelineRun} owns a run of a pipeline (its split processors,
 * applying a batch, finishing a split, and firing under one lease policy and one firing protocol) and
 * {@link io.sluice.functions.driver.ReplayClock} replays processing time for drivers that replay a recording.
 * Adapters only turn their events into batches and their outcomes into responses: here the operators the Lambda
 * handlers delegate to ({@link io.sluice.functions.driver.KinesisOperator} for a Kinesis batch,
 * {@link io.sluice.functions.driver.S3BatchOperator} for a batch invocation, read by
 * {@link io.sluice.functions.driver.S3BatchInvocation}, each task streamed by
 * {@link io.sluice.functions.driver.S3ObjectTask}, {@link io.sluice.functions.driver.ScheduledFirer} for the
 * per-minute tick) and {@link io.sluice.functions.driver.SinkOutputs}, which binds the sinks to the runtime's outputs;
 * elsewhere the local runner, the test driver, the orchestrator's batch coordinator and the simulator. This package is
 * public to the other modules: the CLI, the orchestrator and the simulator drive pipelines through it.
 *
 * <p>Invariants enforced here and in the runtime beneath (shared/DESIGN.md):
 * <ol>
 *   <li><b>Accounted exactly once</b>: every record read ends in the results, the late output or the dead letters;
 *       replays are skipped by fences, and a retry's late records that a failed attempt counted are recognised by
 *       their items' fences.</li>
 *   <li><b>Nothing is written into a fired window</b>: records are judged late against the published watermark,
 *       which a firer raises before it fires (the protocol in {@link io.sluice.functions.driver.PipelineRun}).</li>
 *   <li><b>Progress is monotone</b>: every split write is a monotone merge in the store
 *       ({@link io.sluice.state.StateStore#advanceSplit}); registration is put-if-absent.</li>
 *   <li><b>Every window fires, once</b>: claims make one firer win; a window row that cannot be computed is
 *       reported to the dead letters by itself, and the rest fire; a silent stream's windows close by idleness.</li>
 * </ol>
 *
 * <p><b>Side outputs per batch</b> (issue 14). {@link io.sluice.functions.driver.SinkOutputs} holds a split's late and
 * rejected records until the split's processor flushes them, right before it writes the batch's partials: one
 * {@code RecordSink.writeAll} per kind, so a batch of 1,000 bad records costs a few S3 and SQS calls instead of 1,000.
 * A failed flush fails the batch with nothing of it stored, and the retry emits the same records again under the same
 * ids and object keys; a flush that succeeded before a later failure is sent again by the retry (at least once, as
 * before: consumers count distinct ids and positions).
 *
 * <p><b>Ranges an event source mapping gave up on</b> (issue 14). A split's state holds the applied {@code fence} P
 * and the {@code attemptFence} A, the highest position an attempt started to apply. When a batch starts at F after
 * P while P &lt; A, the records the shard holds in (P, F) up to A were handed to an attempt that never completed: a
 * normal retry starts right after P and finds none; a batch after a give-up (F after A) or after a bisected half
 * the mapping gave up on (F &le; A) finds them. Before such a batch the Kinesis operator reads them back from the
 * shard ({@code ShardGapFiller}, one batch at a time: 10,000 records or 6 MB, each batch's fence stored, so an
 * invocation that times out resumes after it) and applies them through the normal fenced path as if they were the
 * retried batch (per-item fences skip what the failed attempt wrote; their late records go to the late output), then
 * the batch. Several batches given up on in a row are one range. A parent shard whose last batches were given up on is
 * filled the same way, through A, before a child's first batch finishes it. A range the shard no longer holds
 * (trimmed, expired iterator) is an explicit loss: one dead letter with the shard and the range, the EMF metric
 * {@code BatchesLost} and its alarm; the batch then goes on. A shard that never gets another record keeps its gap
 * until a child's first batch finishes it, or the stream's retention trims it (then nothing reports it: the
 * on-failure record in the dead-letter queue is the trace).
 */
package io.sluice.functions.driver;

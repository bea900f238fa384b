/**
 * The driver seam: {@link io.sluice.functions.driver.PipelineRun} owns a run of a pipeline (its split processors,
 * applying a batch, finishing a split, and firing under one lease policy and one firing protocol) and
 * {@link io.sluice.functions.driver.ReplayClock} replays processing time for drivers that replay a recording.
 * Adapters only turn their events into batches and their outcomes into responses: here the operators the Lambda
 * handlers delegate to ({@link io.sluice.functions.driver.KinesisOperator} for a Kinesis batch,
 * {@link io.sluice.functions.driver.S3BatchOperator} for a batch invocation, read by
 * {@link io.sluice.functions.driver.S3BatchInvocation}, each task streamed by
 * {@link io.sluice.functions.driver.S3ObjectTask}, {@link io.sluice.functions.driver.ScheduledFirer} for the
 * per-minute tick, {@link io.sluice.functions.driver.OnFailureReplay} and
 * {@link io.sluice.functions.driver.OnFailureQueue} for {@code sluice replay}) and {@link io.sluice.functions.driver.SinkOutputs}, which binds the sinks to the runtime's outputs;
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
 *
 * <p><b>Ranges no attempt was recorded for: {@code sluice replay}</b> (issue 14). A range is found above only through
 * the attempt fence. When the state table refuses an attempt's very first write ({@code startAttempt}) on every retry,
 * the mapping gives up, the next batch starts with no unfinished attempt and the split's fence jumps over the range:
 * only Lambda's on-failure record ({@link io.sluice.functions.driver.OnFailureRecord}) names it. The split's state
 * cannot tell such a jump from a range that was applied or read back (both leave the fence past it), so the operator
 * logs each attempt ({@link io.sluice.state.coordination.AttemptLog}: first and last record, and the split's applied
 * fence when it started) after its {@code startAttempt} and before its first partial write; read-backs are attempts
 * too, and so is the attempt a child's first batch records before finishing its parents. An attempt applies the
 * records of its range after that fence. Hence, per record r of the shard:
 * <ul>
 *   <li>if a logged attempt set out to apply r (r in its range, after its fence), its {@code startAttempt} had raised
 *       the attempt fence past r while the applied fence was before it: the operator applies r (that attempt, its
 *       retry, or the read-back before the next batch) or reports it lost ({@code BatchesLost});</li>
 *   <li>otherwise no attempt ever started on r (every application is logged before it writes), and, once the split's
 *       fence is past r (or the split finished), none ever will: batches start after the fence, read-backs too.</li>
 * </ul>
 * The read-back above follows the same rule: of the records between the applied fence and the next batch it applies
 * only those a logged attempt started on, one contiguous run at a time. A record no attempt started on lies in a batch
 * given up on before any attempt was recorded, and a later attempt may already have written items of this split with
 * a fence past it (it started from the applied fence and crashed midway): read back, it would be skipped by those
 * fences and lost, while the log said the operator had it (found by the simulator, fault class
 * {@code give-up-unrecorded}). It is left to the replay of its on-failure record.
 * {@link io.sluice.functions.driver.OnFailureReplay} therefore waits until the shard's fence is past the range
 * ({@code WAITING}: the operator may still read it back), reads the range from the stream (AT_SEQUENCE_NUMBER of its
 * first record, through its last; {@code EXPIRED} when the stream no longer holds it), leaves the records an attempt
 * set out to apply to the operator, and applies the others through {@link io.sluice.functions.driver.PipelineRun}
 * under the split {@code <shard>~replay~<first sequence number>}, then finishes that split. Why that split is safe:
 * <ul>
 *   <li>no other writer ever uses it (it is no shard id and no task id), and it is derived from the range alone, so a
 *       second replay of the same record (a repeated SQS delivery, a crash mid-replay, {@code --file} after the
 *       queue) is the same split: its fence skips what was applied, which makes the replay idempotent. Lambda sends
 *       a range once and checkpoints past it, so two on-failure records never share a record;</li>
 *   <li>partials are merged at firing whatever split wrote them ({@code merge} is mandatory), so counting a record
 *       under another split changes no result; the split starts PENDING with no watermark, so it holds firing back
 *       while it is applied (its attempt is recorded before the published watermark is read, as for any writer), and
 *       finishing it releases the watermark. Records of windows that fired meanwhile go to the late output;</li>
 *   <li>a replay that dies midway leaves the split active: it holds the watermark back until the idleness timeout
 *       excludes it, and the next replay resumes after its fence.</li>
 * </ul>
 * The attempt log's entries outlive the stream's retention ({@link io.sluice.state.coordination.DynamoDbAttemptLog}),
 * so every attempt on a record the stream still holds is still logged; a range the operator passed before it logged
 * attempts (a deployment without the log) is {@code UNDETERMINED}, never applied, unless the split's attempt fence is
 * before the range: then no recorded attempt ever reached it, log or not. Costs: one put per attempt (about
 * 400 bytes, 1 write unit) and one more DynamoDB round trip per batch. Known limits: the replay runs by hand (the
 * runbook in the README), not from the scheduled firer; a Kinesis record that cannot even be de-aggregated (a corrupt
 * KPL aggregate) is sent to the dead letters by the operator before its attempt starts, so in a replayed range it
 * may be there twice, with the same position.
 */
package io.sluice.functions.driver;

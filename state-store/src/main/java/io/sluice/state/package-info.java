/**
 * Keyed window state and split coordination: the SPI every driver writes through.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li><b>Partials are owned by one source split.</b> A {@link io.sluice.state.Partial} is keyed by
 *       {@link io.sluice.state.PartialKey} = (pipeline, slot, split, bucket) and holds the encoded accumulators of
 *       every key of that bucket. A slot is a window ({@code [60000,120000)}) or, for session windows, a pane of
 *       session start times. A split (Kinesis shard id or batch task id) is processed in order by one writer at a
 *       time, so each partial has exactly one writer.</li>
 *   <li><b>Fences make retries idempotent.</b> Each partial stores the highest source position applied
 *       ({@link io.sluice.state.Fence}). Writes are conditional on the fence the writer last saw; on a
 *       {@link io.sluice.state.FenceConflictException} the writer re-reads and applies only records after the
 *       stored fence.</li>
 *   <li><b>Slots are indexed</b> so a firing can find the windows whose end the watermark has passed, and
 *       <b>claimed</b> with a lease so exactly one firing writes a window's final results.</li>
 *   <li><b>Splits report progress</b> ({@link io.sluice.state.SplitState}): watermark, fence, activity time, status and
 *       lineage. The global watermark is the minimum over active, non-idle splits.</li>
 * </ul>
 *
 * <p>This module knows nothing of pipelines: keys are strings and accumulators are bytes. Implementations: the
 * in-memory {@link io.sluice.state.memory.InMemoryStateStore} (unit tests, local runs) and
 * {@link io.sluice.state.dynamodb.DynamoDbStateStore} (tables defined in
 * {@link io.sluice.state.dynamodb.StateTables}).
 */
package io.sluice.state;

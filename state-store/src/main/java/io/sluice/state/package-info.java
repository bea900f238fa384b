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
 *   <li><b>A batch waits for its partials once, not once per item.</b> A batch's items are written with one
 *       {@link io.sluice.state.StateStore#writePartials}: each has one writer and its own fence condition, so they are
 *       independent and a store sends them together (DynamoDB: up to 64 in flight; the same items, conditions and
 *       write units as one by one). The call returns only when every write has finished, so the split's progress,
 *       written next, still follows all of them; a refused item alone is re-read and written again. New slots are
 *       registered the same way ({@link io.sluice.state.StateStore#registerSlots}) before the partials, and a
 *       firing's per-bucket queries of a slot go out together. A firing of several windows claims, reads and
 *       completes them the same way ({@link io.sluice.state.StateStore#claimFirings},
 *       {@link io.sluice.state.StateStore#readSlots}, {@link io.sluice.state.StateStore#completeFirings}): each
 *       window's claim and completion is its own conditional write, as one by one.</li>
 *   <li><b>A write costs what its batch changed, not the item.</b> A partial's entries are a
 *       {@link io.sluice.state.PartialEntries}: an immutable list, grouped by key, that a writer derives from the
 *       version it wrote last by replacing the groups of the keys a batch changed, sharing the rest (a persistent
 *       vector with sizes kept per node). So handing the store an item of 57,000 keys with 60 changed costs those 60,
 *       its size is known in O(1), and a store finds what changed since the version it last encoded by skipping the
 *       subtrees both share ({@link io.sluice.state.PartialEntries#forEachGroupChangedSince}). The SPI is unchanged:
 *       a {@link io.sluice.state.Partial} is still a whole value (equal by content, never changing under a reader),
 *       so a stored version stays a snapshot whatever the writer derives next, a refused or crashed write leaves
 *       nothing behind in the writer (its cached item is dropped and re-read, as before), and wrappers of
 *       {@code writePartial} see every write.</li>
 *   <li><b>Slots are indexed</b> so a firing can find the windows whose end the watermark has passed, and
 *       <b>claimed</b> with a lease so exactly one firing writes a window's final results.</li>
 *   <li><b>Splits report progress</b> ({@link io.sluice.state.SplitState}): watermark, fence, activity time, status and
 *       lineage. The global watermark is the minimum over active, non-idle splits.</li>
 *   <li><b>No ceiling a user can hit by data.</b> A partial is one logical unit of any size. A store whose items
 *       are bounded (DynamoDB: 400 KB) keeps a partial that outgrows one item as <em>chunks</em> behind a
 *       <em>head</em> (see {@link io.sluice.state.dynamodb.ChunkedPartials}): the entries are spread over pages
 *       by a stable hash of their key, each page encoded, cut into slices at content-defined boundaries (a few KB)
 *       and each new slice written as a chunk under the write's own version id; then the head (fence + manifest
 *       naming every slice's chunk) is written with the same fence condition as an unchunked item. The head is the
 *       only thing a reader trusts, so:
 *       <ul>
 *         <li>a reader sees the chunks of exactly one fence, never a mix (chunks are immutable, named by version);</li>
 *         <li>a crash between chunk writes leaves the old head, hence the old version, visible; the new version's
 *             chunks are unreferenced and expire by TTL;</li>
 *         <li>a writer that loses the fence race deletes the chunks it wrote; chunks a winner's manifest no longer
 *             names are left to TTL in partitions of their own, which no query reads (a reader holding the old head
 *             still finds them; a reader that misses one re-reads the head);</li>
 *         <li>a slice whose bytes did not change keeps its chunk, named by the old head and the new one, neither
 *             overwritten nor deleted: a batch is billed by the slices it changed and the head, not by the whole
 *             partial nor by a whole key: a hot key whose accumulator grows at its end (an exact distinct count)
 *             changes the slice where it grows and the one holding its length;</li>
 *         <li>and it is encoded by them too: the store keeps each chunked partial's encoded pages
 *             ({@code dynamodb.EncodedPages}) and re-encodes only pages whose entries are not the very objects it
 *             encoded last time, and the runtime hands unchanged keys' entries over as those objects, so a batch's
 *             CPU follows what it changed, not the partial's size. That cache is a pure function of the entries:
 *             which chunks are written and what the head names are decided exactly as without it;</li>
 *         <li>a batch that changes little of a large partial writes a <em>log delta</em> instead of slices
 *             ({@code dynamodb.PartialLog}): the entries it added, replaced or removed since the version the head
 *             names, by their identity {@code (key, window)}, as chunks under the write's own version, and a head
 *             naming the old pages, the old deltas and the new one. The same protocol: the delta is invisible until
 *             that head is written with the fence condition, and it is relative to the entries of exactly the version
 *             whose fence the condition checks (the store keeps the entries it wrote with the head it wrote; a read
 *             head has none, so its next write writes pages). Per-user sessions (57,000 keys an item, 600 changed per
 *             batch, over every page) were billed by the whole partial on every batch; logged, by the keys changed.
 *             Before the log would outgrow the pages, a write writes pages instead (compaction), so a partial's
 *             stored bytes stay within twice its pages and a batch's bytes amortised within twice what it
 *             changed.</li>
 *       </ul>
 *       Exactly-once is unchanged: the fence condition is still on one item (the head), so a retry, a redelivery
 *       or a new instance applies a record at most once; {@link io.sluice.state.ItemTooLargeException} remains
 *       only for a partial whose manifest would not fit in its head (over about 250 MB).</li>
 * </ul>
 *
 * <p>This module knows nothing of pipelines: keys are strings and accumulators are bytes. Implementations: the
 * in-memory {@link io.sluice.state.memory.InMemoryStateStore} (unit tests, local runs) and
 * {@link io.sluice.state.dynamodb.DynamoDbStateStore} (tables defined in
 * {@link io.sluice.state.dynamodb.StateTables}).
 */
package io.sluice.state;

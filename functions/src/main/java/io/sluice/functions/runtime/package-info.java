/**
 * The runtime: one operator chain under every driver (Kinesis batch, S3 task, local file, test, simulator), run
 * through {@link io.sluice.functions.driver.PipelineRun}. Pipeline code never imports this package.
 *
 * <h2>One invocation of a split ({@link io.sluice.functions.runtime.SplitProcessor})</h2>
 * <ol>
 *   <li>record the attempt ({@link io.sluice.state.StateStore#startAttempt}: the split is active, an attempt up to
 *       the batch's last record has started) before anything is read or written. It also returns the split's key-bucket
 *       count, recorded by its first attempt and never changed: every partial of a split is written with one count,
 *       so a retry on an instance deployed with another {@code keyBuckets} writes each key into the item the failed
 *       attempt may have written it to (its fence then tells what is in), and session rescue looks each split's
 *       items up under that split's count;</li>
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
 * <h2>Session lateness: judged by the session a record would join</h2>
 * A session record is late only when the session it would join has fired or would reach one that has: with W the
 * watermark the batch is judged against (above) and L the allowed lateness, a record at {@code ts} (gap g) is late
 * when, among its key's stored fragments, it touches a session final at W ({@code end + L < W}), or it touches none
 * and its own window is final ({@code ts + g + L < W}). So a record at 29:00 with W at 30:30 (g = 30 min) counts;
 * one that would bridge into a session that fired is late, since nothing may be written into a fired session.
 * <ul>
 *   <li><b>Most records need no read.</b> A record with {@code ts + L >= W} cannot touch a session final at W (it
 *       would lie after its end) nor at any watermark a concurrent firer fires at (the firing protocol keeps that
 *       at or below W): it counts, as before. Only the others, <i>candidates</i> (disorder beyond the bound), are
 *       looked up ({@code SessionRescue}).</li>
 *   <li><b>Atomic with the write.</b> A batch with candidates takes the pipeline's session round claim, the one
 *       every session firing round holds while it reads fragments and emits; under it, it reads the published
 *       watermark again (W becomes at least it, so at least every watermark a round fired at), the fired markers of
 *       the panes a candidate may touch ({@code pane(ts - g)} to {@code pane(ts + g)}: a fragment is stored in the
 *       pane of its start and ends at most a gap after the pane), and its key's fragments in them from every split
 *       (then the panes to the right while a touched session runs into them), judges each candidate in record
 *       order (a rescued one joins the view of the next), writes the batch's partials and releases the claim. A
 *       round therefore reads either before (the writer sees what it fired, all final at W, and judges late what
 *       would join it) or after the write (it sees the record). Fragments other splits write meanwhile without
 *       the claim are on time by the watermark rule, so they touch no fired session either.</li>
 *   <li><b>Retired panes.</b> A round retires a pane once its sessions are final and so is the window of a record
 *       two gaps after its last instant; a candidate whose pane, or a pane whose fragments could touch it, is
 *       retired (its fragments may be gone) is late. Only a record whose own window is already final and which
 *       touches an open session can be judged late by this where Flink would count it.</li>
 *   <li><b>Retries judge no record both ways.</b> The judgement depends on state that moves, so two attempts of
 *       one batch (a retry, a bisected half, a timed-out Lambda still running) could judge a record differently:
 *       one counting it, the other sending it to the late output. So each split keeps its decisions
 *       ({@code SessionDecisions}: one fenced item, never a pane): an attempt stores "every record through my last
 *       is decided, these were counted" with a condition on what it read, <i>before</i> a decision takes effect;
 *       an attempt that finds a record already decided follows that decision, a retry's deferred records too (a
 *       counted one is added again and the item fences keep it from counting twice). Records of a retried range
 *       that were not candidates are judged by their timestamps as before ({@code ts + L < W}, at least as late as
 *       any attempt), checked against their items' fences. Within an attempt the decisions are made once and
 *       reused by every pass over the batch (fence conflicts, overflow decisions).</li>
 *   <li><b>A retry writes what an attempt decided to count without judging it again</b>, and no round can have
 *       fired the record's session in between: the attempt judged it at W, at least the split's stored
 *       watermark; until an attempt covering the record completes, the split's watermark stays where it was
 *       (it is stored only on completion), the split is never idle ({@link
 *       io.sluice.functions.runtime.GlobalWatermark}) and it is finished only after its abandoned range is read
 *       back, so every round until then fires at or below it, at or below W, where the session was open
 *       ({@code SessionLatenessContractTest}: an attempt dies after deciding, rounds run while its shard is
 *       silent past the idleness timeout, the retry counts the record once).</li>
 *   <li><b>Batch equals stream.</b> A batch task's watermark stays at the minimum: nothing is a candidate, nothing
 *       is late. A claim held by someone else (a crashed round, until its lease lapses) makes the batch's candidates
 *       late rather than wait: the only cost, counted in the late output.</li>
 * </ul>
 *
 * <h2>Session firing rounds: paid per interval of event time and per session that became final</h2>
 * A round at watermark W (under the round claim) emits the sessions with {@code F <= end + L < W}, F the last
 * round's watermark, records W as F and retires panes ({@code WindowFirer}, {@code SessionRound}). Before issue 18 a
 * stream ran one after every batch and each decoded and merged every pending pane: O(session state) per batch.
 * <ul>
 *   <li><b>Paced.</b> A stream's batch runs a round only when {@code W >= F + interval}
 *       ({@code SessionWindows.withFiringInterval}, by default the gap, at most one minute); it checks F as this
 *       firer last knew it (a lower bound: F only rises) before taking the claim, and again under it. The end of
 *       bounded input ({@code W = +infinity}) and the scheduled firer ({@code PipelineRun.fireNow}) always run one.
 *       <i>Why a skipped round loses and doubles nothing:</i> it writes nothing and leaves F, so the next round
 *       emits every session final at its watermark and not at F, which includes all the skipped one would have
 *       emitted. Whether a session is final, which is what lateness is judged by ({@code SessionRescue}: a record
 *       touching a session with {@code end + L < W} is late), depends on the watermark alone, never on whether a
 *       round has emitted it; so a record judged late for a session not yet emitted is late in every schedule, and
 *       the session it would have joined is emitted later without it, as it would have been at once. Retiring
 *       waits for a round too, and fewer retired panes can only let a candidate be judged by more fragments. The
 *       cost: a session is written up to one interval of event time after it became final (the scheduled firer's
 *       minute bounds it on a quiet stream).</li>
 *   <li><b>Reads what can be final.</b> A pane starting at or after {@code W - L} is not read: fragments are stored
 *       in the pane of their start, a session final at W ends before {@code W - L}, and a fragment touches a
 *       session only if it starts at or before its end. In the panes read, fragments are judged by their windows
 *       (stored beside the accumulator, so without decoding): a session newly final at W ends where one of its
 *       fragments ends, so only keys with a fragment ending in {@code [F - L, W - L)}, or in a pane that may
 *       retire, are grouped into sessions, and only the fragments of the sessions emitted are decoded and merged
 *       (in read order, as a full merge would). On DynamoDB the panes read are still whole items (the billing unit);
 *       pacing is what bounds them per interval.</li>
 * </ul>
 *
 * <h2>Firing fixed windows: a constant number of round trips per firing (issue 15)</h2>
 * A batch whose watermark passes several windows (a backlog caught up in batches of 10,000) used to fire them one
 * after the other, each claim → read → results → complete: about 4 sequential round trips per window. The due
 * windows now fire <b>together</b>, in groups of at most {@code WindowFirer.MAX_WINDOWS_PER_FIRING} (16), taken in
 * the order {@link io.sluice.state.StateStore#pendingSlots} lists them (by end, then start). A group costs four
 * steps, each one wave of independent calls however many windows it holds:
 * <ol>
 *   <li><b>claim</b> every window of the group ({@link io.sluice.state.StateStore#claimFirings}); the ones another
 *       firer holds, or that have fired, drop out;</li>
 *   <li><b>read</b> the claimed windows' partials, every (window, bucket) query at once
 *       ({@link io.sluice.state.StateStore#readSlots}), and merge each window's rows as before (a row that cannot be
 *       computed goes to the dead letters by itself);</li>
 *   <li><b>write</b> the results: {@link io.sluice.functions.runtime.Outputs#resultsOfWindows}, one list of rows per
 *       window, in end order. By default that is one {@code results} call per window, one after the other, so an
 *       output that depends on order or on one call per window (the batch coordinator's {@code FiringOutputs},
 *       the CLI's files, the simulator's listener) sees exactly what it saw before. {@code SinkOutputs} hands the
 *       windows to each results sink at once: the S3 sink still writes one object per window (keys from the window's
 *       rows) and puts them together; the results table's rows and totals of every window share its batched
 *       writes; the output stream's records share its {@code PutRecords}. None of them depends on the order of
 *       windows: every item, object and record is keyed by its window (and key), puts are unconditional and
 *       idempotent, and the output stream is read as an upsert by row identity ({@code PutRecords} never promised
 *       an order across records anyway). The one visible difference: while a group is being written, a reader of
 *       the results table (the dashboard's latest minute) may for a moment see a later window's items before an
 *       earlier one's, as it could already see a window's totals before its rows; the next read sees both;</li>
 *   <li><b>complete</b> every claimed window ({@link io.sluice.state.StateStore#completeFirings}), only after
 *       {@code resultsOfWindows} returned, i.e. after every window's rows are in every sink.</li>
 * </ol>
 * <b>Failure.</b> If anything fails before the completions (a claim, a read, a sink, a dead-letter flush), the firer
 * releases every claim of the group it may hold ({@link io.sluice.state.StateStore#releaseFirings}: a no-op for a
 * window it does not hold) and rethrows, so the batch is retried and no window was marked fired; the retry claims and
 * fires them again and writes the same items, objects and keys (sinks are idempotent by coordinates). If a completion
 * fails, the windows already completed stay fired (their rows are written) and the rest are released the same way.
 * A window is never completed before its rows are written, and a released window is fired by the next firing:
 * nothing is lost, and what is written twice is the same bytes under the same keys. One completion failure is not a
 * failure of the batch: a <b>lost claim</b> ({@link io.sluice.state.FiringClaimLostException}), the firer's lease
 * having lapsed while it fired and another firer having claimed, fired or released the window since. That firer
 * writes the same rows (a function of the window's final partials), and a window left pending fires at the next
 * firing, so the firer logs it, counts the window as not fired by it and returns: the batch is not retried for a
 * firing that is someone else's, and after the mapping's retries no applied record goes to the failure destination
 * for it. A store failure beside a lost claim is thrown first, and handled as above.
 *
 * <p><b>Memory.</b> A group holds its windows' partials and rows together: at most 16 windows, so a backlog of
 * hundreds of windows fires in groups of 16 (one group's partials freed before the next is read). A GMV window of
 * 1,000 categories over 4 shards is about 150 KB of partials, so a group is a few MB on a 1,024 MB Lambda; the
 * DynamoDB store's 64 calls in flight make a group's claims and completions one wave each, and its reads
 * (16 windows × 4 buckets) one wave of the store's firing reads.
 *
 * <p>Session rounds and early firing are unchanged.
 *
 * <p>Batch mode is bounded streaming: a task's watermark stays at the minimum while it runs and jumps to
 * +infinity when it finishes, so no record is late and every window fires once all tasks are done.
 *
 * <h2>Hot paths (issue 15, BENCHMARKS.md)</h2>
 * Per record: one lookup in the slot's {@link io.sluice.functions.runtime.CellMap} (open addressing by a
 * multiplicative hash, because {@code String.hashCode} of keys like {@code c-0 … c-999} clusters in the low bits a
 * {@code HashMap} indexes by). Per batch and item: only the keys the batch changed are encoded again
 * ({@link io.sluice.functions.runtime.EncodedEntries}, issue 18), the item's next version is derived from the last
 * in O(changed keys) ({@link io.sluice.state.PartialEntries}), and a batch's cells are grouped into items by
 * bucket within each slot. Neither changes what is written.
 */
package io.sluice.functions.runtime;

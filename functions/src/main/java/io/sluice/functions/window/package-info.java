/**
 * Windows, watermarks and triggers: immutable option values with static factories and {@code withX} copies.
 *
 * <p>Semantics, with {@code W} the watermark and {@code L} the allowed lateness:
 * <ul>
 *   <li>tumbling and sliding: a window {@code [start, end)} holds records with {@code start <= ts < end}; it fires
 *       final once {@code W >= end + L}; a record is late for a window if that window has fired
 *       ({@code end + L <= W} when the record's batch starts); a record late for all its windows goes to the late
 *       output and is counted;</li>
 *   <li>sessions: a record opens {@code [ts, ts + gap)} and merges with the sessions of its key it overlaps or
 *       touches; a session fires once, {@code end + L < W}; a record is late only if the session it would join has
 *       fired or would reach one that has: it touches a session with {@code end + L < W}, or touches none and
 *       {@code ts + gap + L < W} (gap 30 min, W at 30:30: a record at 29:00 counts unless it touches a fired
 *       session). The README's "Rules a pipeline meets" gives the edges. A stream writes final sessions in rounds,
 *       one once W has moved the firing interval past the last round's
 *       ({@link io.sluice.functions.window.SessionWindows#withFiringInterval}, default {@code min(gap, 1 min)}): a
 *       session is written up to that much event time after it became final; the rows and the late records do not
 *       depend on it;</li>
 *   <li>early firing ({@link io.sluice.functions.window.Trigger#withEarlyFiringsEvery}) emits non-final updates in
 *       stream mode only, every interval of processing time (wall clock on Lambda, replayed from event time in local
 *       runs and the test driver); batch mode emits final results only.</li>
 * </ul>
 */
package io.sluice.functions.window;

/**
 * Windows, watermarks and triggers: immutable option values with static factories and {@code withX} copies.
 *
 * <p>Semantics, with {@code W} the watermark and {@code L} the allowed lateness:
 * <ul>
 *   <li>a window {@code [start, end)} holds records with {@code start <= ts < end};</li>
 *   <li>it fires final once {@code W >= end + L};</li>
 *   <li>a record is late for a window if that window has fired ({@code end + L <= W} when the record's batch
 *       starts); a record late for all its windows goes to the late output and is counted.</li>
 * </ul>
 */
package io.sluice.functions.window;

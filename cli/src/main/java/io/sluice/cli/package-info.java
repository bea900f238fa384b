/**
 * The {@code sluice} command: one picocli class per subcommand. Exit codes: 0 success, 1 failure while running
 * (such as an aggregate overflow), 2 bad usage (unknown pipeline, missing input file, invalid option: one line and
 * {@code try: sluice <command> --help}), 3 a run stopped by {@code --max-dead-letters} or
 * {@code --max-side-output-bytes}, 4 a {@code replay} that left a range waiting, expired or undetermined.
 *
 * <p>Streams: standard output carries data only (results with {@code --out -}, orders with {@code gen --out -}, the
 * {@code export} lines of {@code local up}), so commands pipe and {@code eval "$(sluice local up)"} works; summaries,
 * warnings, tables and log lines (one per event, {@link io.sluice.cli.OneLineLogging}) go to standard error. A run
 * never overwrites its input and never loses a record silently: every line is a result, a reject, a late record or
 * a counted blank line, and {@code --max-dead-letters N} bounds the dead-letters file by stopping the run early: the
 * local runner stops reading once more than N records are rejected and the file holds exactly the first N in input
 * line order ({@link io.sluice.functions.local.LocalRunner#withMaxRejects}). No limit on the count by default, but
 * {@code --max-side-output-bytes} (default 1 GiB) stops a run whose dead letters and late records would take more
 * bytes, the same way.
 */
package io.sluice.cli;

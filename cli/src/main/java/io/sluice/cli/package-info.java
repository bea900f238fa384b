/**
 * The {@code sluice} command: one picocli class per subcommand. Exit codes: 0 success, 1 failure while running
 * (such as an aggregate overflow), 2 bad usage (unknown pipeline, missing input file, invalid option).
 */
package io.sluice.cli;

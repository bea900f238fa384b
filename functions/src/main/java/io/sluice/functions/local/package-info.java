/**
 * Local drivers: run a pipeline over a file (or standard input) in process, with the same runtime and state SPI
 * as Lambda. {@link io.sluice.functions.local.LocalRunner} runs it as a bounded batch job (byte-range tasks in
 * parallel) or as a stream over N simulated Kinesis shards; both produce identical final results for input within
 * the pipeline's disorder bound. Late and rejected records are spooled per split and merged in input line order;
 * {@link io.sluice.functions.local.LocalRunner#withMaxRejects} stops a run over bad input early with spools of at
 * most {@code limit + 1} rejects (and just past {@code bytes} of them) per split, and passes on exactly the first
 * rejects within both limits (see {@code RejectBudget}).
 */
package io.sluice.functions.local;

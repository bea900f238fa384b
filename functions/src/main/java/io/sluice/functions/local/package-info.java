/**
 * Local drivers: run a pipeline over a file (or standard input) in process, with the same runtime and state SPI
 * as Lambda. {@link io.sluice.functions.local.LocalRunner} runs it as a bounded batch job (byte-range tasks in
 * parallel) or as a stream over N simulated Kinesis shards; both produce identical final results for input within
 * the pipeline's disorder bound.
 */
package io.sluice.functions.local;

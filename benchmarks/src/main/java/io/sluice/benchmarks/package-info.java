/**
 * Benchmarks, run by hand ({@code benchmarks/run.sh}), never by the build: {@link io.sluice.benchmarks.RunBenchmark}
 * measures the engine of {@code ./sluice run} in batch and stream mode against a plain single loop computing the
 * same result, and {@link io.sluice.benchmarks.JfrTop} summarises a JFR recording of it.
 */
package io.sluice.benchmarks;

/**
 * Test fixtures for pipelines: {@link io.sluice.functions.testing.PipelineTestDriver} runs a pipeline
 * synchronously over records fed by hand, with the production runtime and the in-memory state store.
 */
package io.sluice.functions.testing;

/**
 * Errors that must propagate, as one unchecked family under {@link io.sluice.functions.exception.SluiceException}.
 * Their messages name the pipeline, key, window, split and position concerned. Bad records are not errors: they
 * go to the dead-letter output.
 */
package io.sluice.functions.exception;

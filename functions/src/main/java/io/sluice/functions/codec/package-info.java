/**
 * Record decoding: JSON lines and bounded line reading. Decoders
 * work on byte slices, so a record is never copied into a {@code String} unless it is rejected.
 */
package io.sluice.functions.codec;

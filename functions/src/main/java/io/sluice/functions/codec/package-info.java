/**
 * Record decoding (JSON lines, bounded line reading) and accumulator encoding (compact varints, Jackson). Decoders
 * work on byte slices, so a record is never copied into a {@code String} unless it is rejected.
 */
package io.sluice.functions.codec;

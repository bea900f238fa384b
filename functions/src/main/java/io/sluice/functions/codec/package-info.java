/**
 * Record decoding: JSON lines, CSV and bounded line reading. Decoders work on byte slices, so a record is never
 * copied into a {@code String} unless it is rejected.
 *
 * <p><b>Projection pushdown.</b> A source that declares the fields its pipeline reads
 * ({@code Source.jsonLines(Order.class).readingOnly("category", "amount", "ts")}) gets a projected decoder
 * ({@link io.sluice.functions.codec.ProjectedJsonDecoder}, {@link io.sluice.functions.codec.ProjectedCsvDecoder}): a
 * hand-written scanner for the common shape of a record checks every field as strictly as the full decoder but
 * builds only the read ones (the GMV pipelines build 3 of an order's 5 fields; the two ids, most of a line's bytes,
 * are never materialised), and takes repeated short strings such as categories from a small cache instead of
 * building one per record. The scanner only ever says "this is the record" or "not my shape": everything it does not
 * take (escapes, whitespace, unknown or repeated fields, numbers it does not read as plain, bad bytes) goes to the
 * full Jackson decoder and is projected, so the records accepted and the reasons of the rejected are by construction
 * the full decoder's; {@code ProjectedDecodersPropertyTest} checks it on random valid and malformed lines.
 */
package io.sluice.functions.codec;

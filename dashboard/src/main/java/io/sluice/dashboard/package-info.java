/**
 * The GMV dashboard: a read-only query API over the results table and the page that draws it.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>One reader of one table.</b> Everything the page shows comes from the results table the sinks write
 *   ({@code pk} pipeline, {@code sk} = 13-digit window start {@code #} key, see {@code DynamoDbResultsSink}), so the
 *   function's role needs {@code dynamodb:Query} on that table and nothing else. The nightly consistency report is
 *   stored in the same table under {@code pk = consistency#<pipeline>}, {@code sk = <day yyyy-MM-dd>} (a pipeline
 *   name never holds {@code #}), so the latest report is one query with {@code ScanIndexForward=false, Limit=1}.</li>
 *   <li><b>Live and offline are two pipelines of one table.</b> Live rows are {@code pk = <pipeline>}; a batch job's
 *   rows are {@code pk = <pipeline>-<job>} ({@code job=nightly-2026-11-10}). Rows whose {@code final} is false are
 *   early updates of a window still open: they are returned, marked {@code "final": false}.</li>
 *   <li><b>Same time yesterday</b> is aligned by local time of day in the zone {@code tz} (default UTC): the point of
 *   10:00 today is compared with 10:00 yesterday, across a daylight-saving change too (the instants then differ by
 *   23 or 25 hours).</li>
 *   <li><b>Curves from one item per window.</b> A 24 h range at 1,000 keys is 1,440,000 rows; the firing also
 *   writes one totals item per window ({@code pk = <pipeline>#totals}, {@code DynamoDbWindowTotalsSink}), so the
 *   curves and the day so far read 1,440 items a day whatever the number of keys. Rows are read only for keys: the
 *   compared window today and yesterday (the page's top categories), or a series' {@code top} over its range (which
 *   costs one item per window and key; {@code top=0} skips it). The reader splits a range into hour slices queried in
 *   parallel and projects only the attributes it sums (BENCHMARKS.md, dashboard section).</li>
 *   <li><b>Bounded.</b> A range covers at most 48 h ({@value SeriesRequest#MAX_RANGE_HOURS} h), {@code top} at most
 *   {@value SeriesRequest#MAX_TOP} keys; anything else is a 400 with a message naming the parameter.</li>
 *   <li><b>Exact numbers.</b> Sums are integer cents ({@code long}, {@link Math#addExact}), never floating point;
 *   only the percentages the page shows are computed in floating point, from those integers.</li>
 * </ul>
 *
 * <pre>{@code
 * GET /api/series?pipeline=gmv-by-category&from=2026-11-11T00:00:00Z&to=2026-11-11T01:00:00Z&top=5
 * GET /api/compare?pipeline=gmv-by-category&at=2026-11-11T20:30:00Z&tz=Asia/Shanghai&top=8
 * GET /api/consistency?pipeline=gmv-by-category
 * }</pre>
 */
package io.sluice.dashboard;

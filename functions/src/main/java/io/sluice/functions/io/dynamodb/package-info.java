/**
 * The DynamoDB results table sink: results a dashboard queries by pipeline and time range.
 *
 * <p>A firing waits for its rows, so they go out as {@code BatchWriteItem}s of 25 sent together (64 in flight, the
 * state store's {@link io.sluice.state.dynamodb.ConcurrentCalls}): a window of 1,600 keys waits 1 round trip, not 64.
 * Puts of result rows are unconditional and idempotent, so their order does not matter; a write returns only when
 * every request has finished, so the window is marked fired after all its rows are stored (a failure fails the
 * firing, whose retry writes the same items).
 *
 * <pre>{@code
 * ResultsSink sink = new DynamoDbResultsSink(dynamo, "sluice-dev-results", List.of("count", "sum_cents"),
 *         Duration.ofDays(400));
 * }</pre>
 */
package io.sluice.functions.io.dynamodb;

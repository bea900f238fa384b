/**
 * The DynamoDB results table sink: results a dashboard queries by pipeline and time range.
 *
 * <pre>{@code
 * ResultsSink sink = new DynamoDbResultsSink(dynamo, "sluice-dev-results", List.of("count", "sum_cents"),
 *         Duration.ofDays(400));
 * }</pre>
 */
package io.sluice.functions.io.dynamodb;

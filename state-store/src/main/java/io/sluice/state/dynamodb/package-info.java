/**
 * The DynamoDB implementation of the state store: {@link io.sluice.state.dynamodb.DynamoDbStateStore}, its table
 * definitions ({@link io.sluice.state.dynamodb.StateTables}) and its capacity meter
 * ({@link io.sluice.state.dynamodb.CapacityUsage}).
 */
package io.sluice.state.dynamodb;

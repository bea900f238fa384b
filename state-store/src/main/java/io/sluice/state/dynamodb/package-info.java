/**
 * The DynamoDB implementation of the state store: {@link io.sluice.state.dynamodb.DynamoDbStateStore}, its table
 * definitions ({@link io.sluice.state.dynamodb.StateTables}) and its capacity meter
 * ({@link io.sluice.state.dynamodb.CapacityUsage}); {@link io.sluice.state.dynamodb.ConcurrentCalls} sends independent
 * calls together (the store's partial writes and queries, the results sink's batches).
 */
package io.sluice.state.dynamodb;

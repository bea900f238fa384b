/**
 * The shard autoscaler: a pure policy ({@link io.sluice.orchestrator.scaling.ScalingPolicy}: shard metrics in,
 * {@link io.sluice.orchestrator.scaling.ScalingDecision}s out, with cooldowns, bounds and Kinesis's limits), its
 * loop and Kinesis actuator, its settings ({@link io.sluice.orchestrator.scaling.ScalerSettings}), its history in the
 * coordination table ({@link io.sluice.orchestrator.scaling.DynamoDbScalingHistoryStore}, key
 * {@code scaler:<stream>} from {@code CoordinationKeys}), the per-shard load it reads
 * ({@link io.sluice.orchestrator.scaling.TableShardMetrics}) and the traffic simulator behind {@code sluice scale-sim}.
 * A reshard is a split of a hot shard at a load-weighted hash key or a merge of cold neighbours.
 */
package io.sluice.orchestrator.scaling;

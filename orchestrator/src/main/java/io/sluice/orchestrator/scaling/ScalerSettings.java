package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

/**
 * Reads the scaler's policy from environment variables (set in {@code template.yaml}):
 *
 * <pre>{@code
 * SLUICE_ORDERS_STREAM=sluice-dev-orders                 # required
 * SLUICE_COORDINATION_TABLE=sluice-dev-coordination      # required: the operator's shard load, the scaler's history
 * SLUICE_PIPELINE=gmv-by-category                        # required: whose shard load reports to read
 * SLUICE_SCALING_TARGET_UTILIZATION=0.75                 # default 0.75
 * SLUICE_SCALING_MIN_SHARDS=2                            # default 1
 * SLUICE_SCALING_MAX_SHARDS=512                          # default 10000
 * SLUICE_CONSUMER_RECORDS_PER_SECOND=2000                # one Lambda per shard; default 2000
 * SLUICE_SCALING_PRESCALE=00:00 Asia/Shanghai 128 PT45M PT30M   # daily time, zone, shards, lead, hold; ';' separates several
 * }</pre>
 */
public final class ScalerSettings {
    /** Variable naming the stream to scale. */
    public static final String STREAM = "SLUICE_ORDERS_STREAM";
    /** Variable naming the coordination table. */
    public static final String COORDINATION_TABLE = "SLUICE_COORDINATION_TABLE";
    /** Variable naming the pipeline that consumes the stream and reports its load. */
    public static final String PIPELINE = "SLUICE_PIPELINE";

    private ScalerSettings() {
    }

    /**
     * @param env environment variables
     * @return the stream name
     * @throws IllegalArgumentException if {@value #STREAM} is missing
     */
    public static String streamName(Map<String, String> env) {
        return required(env, STREAM, "the stream to scale");
    }

    /**
     * @param env environment variables
     * @return the coordination table
     * @throws IllegalArgumentException if {@value #COORDINATION_TABLE} is missing
     */
    public static String coordinationTable(Map<String, String> env) {
        return required(env, COORDINATION_TABLE, "the coordination table the operator writes shard load to");
    }

    /**
     * @param env environment variables
     * @return the reporting pipeline
     * @throws IllegalArgumentException if {@value #PIPELINE} is missing
     */
    public static String pipeline(Map<String, String> env) {
        return required(env, PIPELINE, "the pipeline whose operator reports the stream's load");
    }

    private static String required(Map<String, String> env, String name, String what) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Environment variable " + name + " must name " + what);
        }
        return value.trim();
    }

    /**
     * @param env environment variables
     * @return the policy they describe
     * @throws IllegalArgumentException naming the variable whose value is malformed
     */
    public static ScalingPolicy policy(Map<String, String> env) {
        ScalingPolicy policy = ScalingPolicy.targetUtilization(number(env, "SLUICE_SCALING_TARGET_UTILIZATION", 0.75))
                .withShardBounds((int) number(env, "SLUICE_SCALING_MIN_SHARDS", 1), (int) number(env, "SLUICE_SCALING_MAX_SHARDS", 10_000))
                .withConsumerRecordsPerSecond(number(env, "SLUICE_CONSUMER_RECORDS_PER_SECOND", 2_000));
        String preScale = env.getOrDefault("SLUICE_SCALING_PRESCALE", "");
        for (String spec : preScale.split(";")) {
            if (!spec.isBlank()) {
                policy = policy.withPreScale(preScale(spec.trim()));
            }
        }
        return policy;
    }

    /**
     * @param spec {@code HH:mm Zone shards [lead [hold]]}, e.g. {@code 00:00 Asia/Shanghai 128 PT45M PT30M}
     * @return the daily pre-scale
     * @throws IllegalArgumentException if malformed
     */
    public static PreScale preScale(String spec) {
        String[] parts = spec.split("\\s+");
        try {
            PreScale p = PreScale.daily(LocalTime.parse(parts[0]), ZoneId.of(parts[1]), Integer.parseInt(parts[2]));
            if (parts.length > 3) {
                p = p.withLead(Duration.parse(parts[3]));
            }
            if (parts.length > 4) {
                p = p.withHold(Duration.parse(parts[4]));
            }
            return p;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("SLUICE_SCALING_PRESCALE entry [" + spec + "] is not 'HH:mm Zone shards [lead [hold]]', e.g. "
                    + "'00:00 Asia/Shanghai 128 PT45M PT30M'", e);
        }
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Environment variable " + name + " must be a number, got [" + v + "]", e);
        }
    }
}

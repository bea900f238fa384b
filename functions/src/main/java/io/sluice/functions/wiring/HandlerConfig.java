package io.sluice.functions.wiring;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler reads from its environment; {@code template.yaml} sets these variables (a test checks that every
 * name in {@link #REQUIRED} is set on every function).
 *
 * <pre>{@code
 * HandlerConfig config = HandlerConfig.from(System.getenv());
 * config.pipeline();   // "gmv-by-category"
 * }</pre>
 *
 * @param pipeline          {@code SLUICE_PIPELINE}: the pipeline's name in the registry
 * @param stateTable        {@code SLUICE_STATE_TABLE}: partials
 * @param coordinationTable {@code SLUICE_COORDINATION_TABLE}: splits, slots, firing claims
 * @param resultsTable      {@code SLUICE_RESULTS_TABLE}: results by time range (optional)
 * @param resultsBucket     {@code SLUICE_RESULTS_BUCKET}: result CSVs, late records, large dead letters
 * @param deadLetterQueue   {@code SLUICE_DEAD_LETTER_QUEUE_URL}: rejected records
 * @param outputStream      {@code SLUICE_OUTPUT_STREAM}: results as a stream (optional)
 * @param windowBuckets     {@code SLUICE_WINDOW_BUCKETS}: write sharding of window partials (default 4)
 * @param resultsRetentionDays {@code SLUICE_RESULTS_RETENTION_DAYS}: results table items expire this long after
 *                          their window ends; 0 (default) keeps them
 * @param operatorTimeoutSeconds {@code SLUICE_OPERATOR_TIMEOUT_SECONDS}: the stream operator's function timeout, so
 *                          an idleness timeout not longer than it is refused; 0 (default) when unknown
 * @param idlenessSeconds   {@code SLUICE_IDLENESS_SECONDS}: the deployment's idleness timeout, replacing the
 *                          pipeline's (a shard silent this long stops holding the watermark back, and a stream
 *                          silent this long closes its windows by processing time); 0 (default) keeps the pipeline's
 * @param archiveBucket     {@code SLUICE_ARCHIVE_BUCKET}: the stream operator keeps every record it receives in this
 *                          bucket by day ({@code RawArchive}), the nightly job's input (optional)
 */
public record HandlerConfig(String pipeline, String stateTable, String coordinationTable,
                            Optional<String> resultsTable, String resultsBucket, String deadLetterQueue,
                            Optional<String> outputStream, int windowBuckets, int resultsRetentionDays,
                            int operatorTimeoutSeconds, int idlenessSeconds, Optional<String> archiveBucket) {

    public static final String PIPELINE = "SLUICE_PIPELINE";
    public static final String STATE_TABLE = "SLUICE_STATE_TABLE";
    public static final String COORDINATION_TABLE = "SLUICE_COORDINATION_TABLE";
    public static final String RESULTS_TABLE = "SLUICE_RESULTS_TABLE";
    public static final String RESULTS_BUCKET = "SLUICE_RESULTS_BUCKET";
    public static final String DEAD_LETTER_QUEUE_URL = "SLUICE_DEAD_LETTER_QUEUE_URL";
    public static final String OUTPUT_STREAM = "SLUICE_OUTPUT_STREAM";
    public static final String WINDOW_BUCKETS = "SLUICE_WINDOW_BUCKETS";
    public static final String RESULTS_RETENTION_DAYS = "SLUICE_RESULTS_RETENTION_DAYS";
    public static final String OPERATOR_TIMEOUT_SECONDS = "SLUICE_OPERATOR_TIMEOUT_SECONDS";
    public static final String IDLENESS_SECONDS = "SLUICE_IDLENESS_SECONDS";
    public static final String ARCHIVE_BUCKET = "SLUICE_ARCHIVE_BUCKET";

    /** Variables every handler function must have. */
    public static final List<String> REQUIRED = List.of(PIPELINE, STATE_TABLE, COORDINATION_TABLE, RESULTS_BUCKET,
            DEAD_LETTER_QUEUE_URL);
    /** Every variable the handlers read. */
    public static final List<String> ALL = List.of(PIPELINE, STATE_TABLE, COORDINATION_TABLE, RESULTS_TABLE,
            RESULTS_BUCKET, DEAD_LETTER_QUEUE_URL, OUTPUT_STREAM, WINDOW_BUCKETS, RESULTS_RETENTION_DAYS,
            OPERATOR_TIMEOUT_SECONDS, IDLENESS_SECONDS, ARCHIVE_BUCKET);

    /**
     * @throws IllegalStateException naming every missing variable
     */
    public static HandlerConfig from(Map<String, String> env) {
        List<String> missing = REQUIRED.stream().filter(n -> blank(env.get(n))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("missing environment variables " + missing);
        }
        String buckets = env.get(WINDOW_BUCKETS);
        String retention = env.get(RESULTS_RETENTION_DAYS);
        String timeout = env.get(OPERATOR_TIMEOUT_SECONDS);
        String idleness = env.get(IDLENESS_SECONDS);
        return new HandlerConfig(env.get(PIPELINE), env.get(STATE_TABLE), env.get(COORDINATION_TABLE),
                optional(env.get(RESULTS_TABLE)), env.get(RESULTS_BUCKET), env.get(DEAD_LETTER_QUEUE_URL),
                optional(env.get(OUTPUT_STREAM)), blank(buckets) ? 4 : Integer.parseInt(buckets.trim()),
                blank(retention) ? 0 : Integer.parseInt(retention.trim()),
                blank(timeout) ? 0 : Integer.parseInt(timeout.trim()),
                blank(idleness) ? 0 : Integer.parseInt(idleness.trim()), optional(env.get(ARCHIVE_BUCKET)));
    }

    private static Optional<String> optional(String v) {
        return blank(v) ? Optional.empty() : Optional.of(v);
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }
}

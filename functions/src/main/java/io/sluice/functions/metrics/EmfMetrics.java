package io.sluice.functions.metrics;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.state.coordination.ShardLoadReport;
import io.sluice.functions.runtime.RunMetrics;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Invocation metrics as one CloudWatch Embedded Metric Format line on stdout, which Lambda ships to CloudWatch Logs
 * and CloudWatch turns into metrics without any API call (and without the CBOR protocol local engines lack).
 * {@link RunMetrics} of a warm instance accumulate across invocations, so each line carries the difference since
 * the previous one.
 *
 * <pre>{@code
 * EmfMetrics emf = new EmfMetrics("Sluice", "gmv-by-category", "operator", System.out);
 * emf.emit(metrics, extraRejected, lateMillis, durationMillis, nowMillis);
 * // {"_aws":{"Timestamp":...,"CloudWatchMetrics":[{"Namespace":"Sluice","Dimensions":[["Pipeline","Function"]],
 * //   "Metrics":[{"Name":"RecordsIn","Unit":"Count"},...]}]},"Pipeline":"gmv-by-category","Function":"operator",
 * //   "RecordsIn":1000,...}
 * }</pre>
 */
public final class EmfMetrics {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> SHARD_LOAD_UNITS = units("RecordsIn", "Count", "BytesIn", "Bytes",
            "IteratorAgeMillis", "Milliseconds");

    private final String namespace;
    private final String pipeline;
    private final String function;
    private final PrintStream out;
    private final Map<String, Long> last = new LinkedHashMap<>();
    private final Map<String, LongSupplier> counters = new LinkedHashMap<>();

    public EmfMetrics(String namespace, String pipeline, String function, PrintStream out) {
        this.namespace = namespace;
        this.pipeline = pipeline;
        this.function = function;
        this.out = out;
    }

    /**
     * Adds the cumulative counter {@code name} of a collaborator (a sink's) to every line, as its difference since the
     * previous line, like {@link RunMetrics}' counters.
     *
     * @return this
     */
    public synchronized EmfMetrics withCounter(String name, LongSupplier cumulative) {
        counters.put(name, cumulative);
        return this;
    }

    /**
     * Emits one line.
     *
     * @param metrics          the instance's cumulative counters
     * @param rejectedOutside  records rejected before the runtime saw them (undecodable KPL aggregates), this call
     * @param watermarkLag     processing time minus global watermark, ms; negative if unknown (left out)
     * @param durationMillis   duration of the batch or task
     * @param nowMillis        timestamp of the line
     * @return the line written
     */
    public synchronized String emit(RunMetrics metrics, long rejectedOutside, long watermarkLag, long durationMillis,
                                    long nowMillis) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("RecordsIn", delta("RecordsIn", metrics.recordsIn()) + rejectedOutside);
        values.put("RecordsOut", delta("RecordsOut", metrics.rowsOut() + metrics.earlyRowsOut()));
        values.put("DeadLetters", delta("DeadLetters", metrics.rejected()) + rejectedOutside);
        values.put("Late", delta("Late", metrics.late()));
        values.put("Replayed", delta("Replayed", metrics.replayed()));
        values.put("StateWrites", delta("StateWrites", metrics.partialWrites()));
        values.put("ConditionalCheckReplays", delta("ConditionalCheckReplays", metrics.fenceConflicts()));
        values.put("StatePreloads", delta("StatePreloads", metrics.partialsPreloaded()));
        values.put("WindowsFired", delta("WindowsFired", metrics.windowsFired()));
        values.put("WindowsFailed", delta("WindowsFailed", metrics.windowsFailed()));
        values.put("BatchesNotApplied", delta("BatchesNotApplied", metrics.batchesNotApplied()));
        values.put("BatchesRecovered", delta("BatchesRecovered", metrics.batchesRecovered()));
        values.put("BatchesLost", delta("BatchesLost", metrics.batchesLost()));
        values.put("LargePartialWrites", delta("LargePartialWrites", metrics.largePartialWrites()));
        values.put("LargestPartialBytes", metrics.largestPartialBytes());
        values.put("LargestKeyStateBytes", metrics.largestKeyStateBytes());
        counters.forEach((name, counter) -> values.put(name, delta(name, counter.getAsLong())));
        values.put("BatchDuration", durationMillis);
        if (watermarkLag >= 0) {
            values.put("WatermarkLag", watermarkLag);
        }
        Map<String, String> units = new LinkedHashMap<>();
        for (String name : values.keySet()) {
            units.put(name, name.equals("BatchDuration") || name.equals("WatermarkLag") ? "Milliseconds"
                    : name.endsWith("Bytes") ? "Bytes" : "Count");
        }
        ObjectNode line = line(namespace, nowMillis, List.of("Pipeline", "Function"), units);
        line.put("Pipeline", pipeline);
        line.put("Function", function);
        values.forEach(line::put);
        String text = line.toString();
        out.println(text);
        return text;
    }

    /**
     * Emits a batch's per-shard load for dashboards (the autoscaler reads it from {@code ShardLoadTable}): dimension
     * {@code ShardId}, metrics {@code RecordsIn}, {@code BytesIn}, {@code IteratorAgeMillis}, and the batch's
     * hottest partition keys under {@code HotKeys} (not a metric, kept in the log line for load-weighted splits).
     *
     * @return the line written
     */
    public String emitShardLoad(ShardLoadReport load) {
        ObjectNode line = line(namespace, load.at().toEpochMilli(), List.of("ShardId"), SHARD_LOAD_UNITS);
        line.put("ShardId", load.shardId());
        line.put("Pipeline", pipeline);
        line.put("RecordsIn", load.records());
        line.put("BytesIn", load.bytes());
        line.put("IteratorAgeMillis", load.iteratorAgeMillis());
        ObjectNode keys = line.putObject("HotKeys");
        load.hotKeys().forEach(keys::put);
        String text = line.toString();
        synchronized (this) {
            out.println(text);
        }
        return text;
    }

    /**
     * The start of any EMF line: the {@code _aws} directive declaring one dimension set and the metrics with their
     * CloudWatch units. The caller adds the dimensions' and metrics' values as top-level fields.
     *
     * <pre>{@code
     * ObjectNode line = EmfMetrics.line("Sluice", now, List.of("Stream"), Map.of("OpenShards", "Count"));
     * line.put("Stream", stream).put("OpenShards", 4);
     * out.println(line);
     * }</pre>
     *
     * @param metricUnits metric name to unit ({@code Count}, {@code Bytes}, {@code Milliseconds}, {@code None}, ...)
     * @return a new line
     */
    public static ObjectNode line(String namespace, long timestampMillis, List<String> dimensions,
                                  Map<String, String> metricUnits) {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", timestampMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
        dimensions.forEach(dimensionSet::add);
        ArrayNode definitions = directive.putArray("Metrics");
        metricUnits.forEach((name, unit) -> definitions.addObject().put("Name", name).put("Unit", unit));
        return line;
    }

    /**
     * @param namesAndUnits metric name, unit, name, unit, ...
     * @return them in order, for {@link #line}
     */
    public static Map<String, String> units(String... namesAndUnits) {
        Map<String, String> units = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndUnits.length; i += 2) {
            units.put(namesAndUnits[i], namesAndUnits[i + 1]);
        }
        return units;
    }

    private long delta(String name, long total) {
        Long previous = last.put(name, total);
        return total - (previous == null ? 0 : previous);
    }
}

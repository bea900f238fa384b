package io.sluice.functions.io.metrics;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.io.kinesis.ShardLoadReport;
import io.sluice.functions.runtime.RunMetrics;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

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

    private final String namespace;
    private final String pipeline;
    private final String function;
    private final PrintStream out;
    private final Map<String, Long> last = new LinkedHashMap<>();

    public EmfMetrics(String namespace, String pipeline, String function, PrintStream out) {
        this.namespace = namespace;
        this.pipeline = pipeline;
        this.function = function;
        this.out = out;
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
        values.put("Rejected", delta("Rejected", metrics.rejected()) + rejectedOutside);
        values.put("Late", delta("Late", metrics.late()));
        values.put("Replayed", delta("Replayed", metrics.replayed()));
        values.put("StateWrites", delta("StateWrites", metrics.partialWrites()));
        values.put("ConditionalCheckReplays", delta("ConditionalCheckReplays", metrics.fenceConflicts()));
        values.put("StatePreloads", delta("StatePreloads", metrics.partialsPreloaded()));
        values.put("WindowsFired", delta("WindowsFired", metrics.windowsFired()));
        values.put("BatchDuration", durationMillis);
        if (watermarkLag >= 0) {
            values.put("WatermarkLag", watermarkLag);
        }
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", nowMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("Pipeline").add("Function");
        ArrayNode definitions = directive.putArray("Metrics");
        for (String name : values.keySet()) {
            definitions.addObject().put("Name", name)
                    .put("Unit", name.equals("BatchDuration") || name.equals("WatermarkLag") ? "Milliseconds" : "Count");
        }
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
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", load.at().toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("ShardId");
        ArrayNode definitions = directive.putArray("Metrics");
        definitions.addObject().put("Name", "RecordsIn").put("Unit", "Count");
        definitions.addObject().put("Name", "BytesIn").put("Unit", "Bytes");
        definitions.addObject().put("Name", "IteratorAgeMillis").put("Unit", "Milliseconds");
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

    private long delta(String name, long total) {
        Long previous = last.put(name, total);
        return total - (previous == null ? 0 : previous);
    }
}

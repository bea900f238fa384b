package io.sluice.infra.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code Type: Kinesis} events of the template's {@code AWS::Serverless::Function} resources
 * into {@link KinesisEventSettings} with SAM's property names and Lambda's defaults, so the local
 * runtime applies exactly what a deployment would: the event's properties and the function's {@code Timeout}
 * (or {@code Globals.Function.Timeout}, else SAM's 3 s). A property the local runtime does not implement
 * ({@code FilterCriteria}, {@code Enabled: false}, {@code TumblingWindowInSeconds}, a non-SQS destination, a stream
 * consumer, or any property SAM does not define) is refused with a message naming it, never ignored.
 *
 * <pre>{@code
 * for (KinesisEventSource e : EventSources.kinesis(template)) {
 *     e.settings();   // the CLI maps these onto its local event-source mapping
 * }
 * }</pre>
 */
public final class EventSources {
    private EventSources() {
    }

    /**
     * @param template the instantiated template
     * @return one entry per Kinesis event, in document order
     * @throws IllegalArgumentException if a property is out of Lambda's bounds (e.g. ParallelizationFactor > 1)
     */
    public static List<KinesisEventSource> kinesis(Template template) {
        List<KinesisEventSource> out = new ArrayList<>();
        for (TemplateResource r : template.resources()) {
            if (!r.type().equals("AWS::Serverless::Function")) {
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> events = r.properties().path("Events").fields();
            while (events.hasNext()) {
                Map.Entry<String, JsonNode> e = events.next();
                if (!e.getValue().path("Type").asText().equals("Kinesis")) {
                    continue;
                }
                JsonNode p = template.resolve(e.getValue().path("Properties"));
                out.add(new KinesisEventSource(r.logicalId(), e.getKey(),
                        template.resolve(r.properties().path("Handler")).asText(),
                        environment(template, r), settings(template, r, e.getKey(), p)));
            }
        }
        return out;
    }

    private static Map<String, String> environment(Template template, TemplateResource r) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode vars = template.resolve(r.properties().path("Environment").path("Variables"));
        vars.fields().forEachRemaining(v -> env.put(v.getKey(), v.getValue().asText()));
        return env;
    }

    /** SAM's Kinesis event properties that the local runtime applies. */
    private static final Set<String> IMPLEMENTED = Set.of("Stream", "StartingPosition", "StartingPositionTimestamp",
            "BatchSize", "MaximumBatchingWindowInSeconds", "MaximumRetryAttempts", "BisectBatchOnFunctionError",
            "MaximumRecordAgeInSeconds", "FunctionResponseTypes", "DestinationConfig", "ParallelizationFactor",
            "Enabled");
    /** SAM's Kinesis event properties that change nothing the local runtime does (metrics, key of filter encryption). */
    private static final Set<String> NO_LOCAL_EFFECT = Set.of("MetricsConfig", "KmsKeyArn");
    /** SAM's Kinesis event properties the local runtime does not implement, and why that matters. */
    private static final Map<String, String> NOT_IMPLEMENTED = Map.of(
            "FilterCriteria", "event filtering would deliver records AWS drops",
            "TumblingWindowInSeconds", "tumbling-window state (the event's window and state fields) is not passed");

    private static void refuseUnimplemented(String where, JsonNode p) {
        p.fieldNames().forEachRemaining(name -> {
            if (NOT_IMPLEMENTED.containsKey(name)) {
                throw new IllegalArgumentException(where + ": " + name + " is not implemented by the local event source"
                        + " mapping (" + NOT_IMPLEMENTED.get(name) + "); remove it or run on AWS");
            }
            if (!IMPLEMENTED.contains(name) && !NO_LOCAL_EFFECT.contains(name)) {
                throw new IllegalArgumentException(where + ": unknown Kinesis event property " + name
                        + " (not a SAM property the local event source mapping knows)");
            }
        });
        if (p.has("Enabled") && !p.get("Enabled").asBoolean(true)) {
            throw new IllegalArgumentException(where + ": Enabled: false is not implemented by the local event source"
                    + " mapping (a disabled mapping would still be started); remove the event instead");
        }
        JsonNode onFailure = p.path("DestinationConfig").path("OnFailure");
        String type = onFailure.path("Type").asText("SQS");
        String dest = onFailure.path("Destination").asText("");
        if (!onFailure.isMissingNode() && (!type.equals("SQS") || dest.startsWith("arn:") && !dest.startsWith("arn:aws:sqs:"))) {
            throw new IllegalArgumentException(where + ": only SQS on-failure destinations are implemented by the local"
                    + " event source mapping, was Type=" + type + " Destination=" + dest);
        }
        if (p.path("Stream").asText().contains("/consumer/")) {
            throw new IllegalArgumentException(where + ": enhanced fan-out (a stream consumer ARN) is not implemented"
                    + " by the local event source mapping; use the stream's ARN");
        }
    }

    /** The function's Timeout, else Globals.Function.Timeout, else SAM's default of 3 s. */
    private static Duration timeout(Template template, TemplateResource fn) {
        JsonNode own = template.resolve(fn.properties().path("Timeout"));
        JsonNode global = template.globals().path("Function").path("Timeout");
        JsonNode t = !own.isMissingNode() ? own : global;
        return t.isMissingNode() ? Duration.ofSeconds(3) : Duration.ofSeconds(t.asLong());
    }

    private static KinesisEventSettings settings(Template template, TemplateResource fn, String event, JsonNode p) {
        refuseUnimplemented(fn.logicalId() + ".Events." + event, p);
        String streamArn = p.path("Stream").asText();
        KinesisEventSettings.StartingPosition position = p.has("StartingPosition")
                ? KinesisEventSettings.StartingPosition.valueOf(p.get("StartingPosition").asText())
                : KinesisEventSettings.StartingPosition.TRIM_HORIZON;
        Instant timestamp = p.has("StartingPositionTimestamp")
                ? Instant.ofEpochMilli((long) (p.get("StartingPositionTimestamp").asDouble() * 1000)) : null;
        long age = p.path("MaximumRecordAgeInSeconds").asLong(-1);
        boolean reportFailures = false;
        for (JsonNode t : p.path("FunctionResponseTypes")) {
            reportFailures |= t.asText().equals("ReportBatchItemFailures");
        }
        JsonNode dest = p.path("DestinationConfig").path("OnFailure").path("Destination");
        return new KinesisEventSettings(template.physicalName(fn.logicalId()),
                streamArn.substring(streamArn.lastIndexOf('/') + 1),
                p.path("BatchSize").asInt(100),
                Duration.ofSeconds(p.path("MaximumBatchingWindowInSeconds").asLong(0)),
                position, timestamp,
                p.path("MaximumRetryAttempts").asInt(-1),
                p.path("BisectBatchOnFunctionError").asBoolean(false),
                age == -1 ? null : Duration.ofSeconds(age),
                reportFailures,
                dest.isMissingNode() ? null : dest.asText(),
                p.path("ParallelizationFactor").asInt(1),
                timeout(template, fn));
    }
}

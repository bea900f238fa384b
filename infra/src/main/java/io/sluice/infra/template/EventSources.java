package io.sluice.infra.template;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.EventSourceMappingConfig.StartingPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code Type: Kinesis} events of the template's {@code AWS::Serverless::Function} resources
 * into {@link EventSourceMappingConfig}s with SAM's property names and Lambda's defaults, so the local
 * runtime applies exactly what a deployment would.
 *
 * <pre>{@code
 * for (KinesisEventSource e : EventSources.kinesis(template)) {
 *     LocalEventSourceMapping.start(e.config(), handlerFor(e.handlerClass()), aws, checkpoints);
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
                        environment(template, r), config(template, r, p)));
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

    private static EventSourceMappingConfig config(Template template, TemplateResource fn, JsonNode p) {
        String streamArn = p.path("Stream").asText();
        String streamName = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        EventSourceMappingConfig c = EventSourceMappingConfig.forStream(streamName)
                .withFunctionName(template.physicalName(fn.logicalId()));
        if (p.has("BatchSize")) {
            c = c.withBatchSize(p.get("BatchSize").asInt());
        }
        if (p.has("MaximumBatchingWindowInSeconds")) {
            c = c.withMaximumBatchingWindow(Duration.ofSeconds(p.get("MaximumBatchingWindowInSeconds").asLong()));
        }
        if (p.has("StartingPosition")) {
            StartingPosition sp = StartingPosition.valueOf(p.get("StartingPosition").asText());
            Instant ts = p.has("StartingPositionTimestamp")
                    ? Instant.ofEpochMilli((long) (p.get("StartingPositionTimestamp").asDouble() * 1000)) : null;
            c = c.withStartingPosition(sp, ts);
        }
        if (p.has("MaximumRetryAttempts")) {
            c = c.withMaximumRetryAttempts(p.get("MaximumRetryAttempts").asInt());
        }
        if (p.has("BisectBatchOnFunctionError")) {
            c = c.withBisectBatchOnFunctionError(p.get("BisectBatchOnFunctionError").asBoolean());
        }
        if (p.has("MaximumRecordAgeInSeconds")) {
            long age = p.get("MaximumRecordAgeInSeconds").asLong();
            c = c.withMaximumRecordAge(age < 0 ? null : Duration.ofSeconds(age));
        }
        for (JsonNode t : p.path("FunctionResponseTypes")) {
            if (t.asText().equals("ReportBatchItemFailures")) {
                c = c.withReportBatchItemFailures(true);
            }
        }
        JsonNode dest = p.path("DestinationConfig").path("OnFailure").path("Destination");
        if (!dest.isMissingNode()) {
            c = c.withOnFailureDestination(dest.asText());
        }
        if (p.has("ParallelizationFactor")) {
            c = c.withParallelizationFactor(p.get("ParallelizationFactor").asInt());
        }
        return c;
    }
}

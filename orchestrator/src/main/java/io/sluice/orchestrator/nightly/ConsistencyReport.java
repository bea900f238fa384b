package io.sluice.orchestrator.nightly;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The verdict of one nightly check, as JSON:
 * {@code {"day":"2026-11-11","pipeline":"gmv-by-category","jobPipeline":"gmv-by-category-nightly-2026-11-11",
 * "status":"CONSISTENT","windowsCompared":1440,"windowsDiffering":0,"rowsCompared":28800,
 * "completedAt":1605139200000,"firstDifferences":[{"window":"..","windowStart":..,"key":"c-3","live":{..},
 * "offline":{..},"liveFinal":true}]}}.
 *
 * @param firstDifferences at most {@value ConsistencyCheck#FIRST_DIFFERENCES} differing rows, in window and key order
 */
public record ConsistencyReport(String day, String pipeline, String jobPipeline, int windowsCompared,
                                int windowsDiffering, long rowsCompared, long completedAt, ArrayNode firstDifferences) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Consistent when no window differs and at least one was compared (an empty day proves nothing). */
    public boolean consistent() {
        return windowsDiffering == 0 && windowsCompared > 0;
    }

    public String status() {
        return consistent() ? "CONSISTENT" : "INCONSISTENT";
    }

    public String json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("day", day);
        o.put("pipeline", pipeline);
        o.put("jobPipeline", jobPipeline);
        o.put("status", status());
        o.put("windowsCompared", windowsCompared);
        o.put("windowsDiffering", windowsDiffering);
        o.put("rowsCompared", rowsCompared);
        o.put("completedAt", completedAt);
        o.set("firstDifferences", firstDifferences);
        return o.toString();
    }
}

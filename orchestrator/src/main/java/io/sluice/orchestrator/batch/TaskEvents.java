package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The orchestrator's task event of the batch function: one task per invocation, firing left to the coordinator. */
final class TaskEvents {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private TaskEvents() {
    }

    static ObjectNode event(String jobId, BatchTask task) {
        ObjectNode event = JSON.createObjectNode().put("jobId", jobId).put("fire", "none");
        task.toEventTask(event.putArray("tasks").addObject());
        return event;
    }
}

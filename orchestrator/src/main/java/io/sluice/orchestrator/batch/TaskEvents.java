package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The orchestrator's task event of the batch function: one task per invocation, firing left to the coordinator. */
final class TaskEvents {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private TaskEvents() {
    }

    static ObjectNode event(String jobId, BatchTask task) {
        return event(jobId, task, 0, 0);
    }

    /**
     * @param attempt   the attempt this invocation is (echoed back through the destination record's request payload)
     * @param notAfter  epoch ms after which the batch function refuses to start the task (the coordinator has given
     *                  up on this attempt by then); 0: no limit
     */
    static ObjectNode event(String jobId, BatchTask task, int attempt, long notAfter) {
        ObjectNode event = JSON.createObjectNode().put("jobId", jobId).put("fire", "none");
        ObjectNode t = task.withNotAfter(notAfter).toEventTask(event.putArray("tasks").addObject());
        if (attempt > 0) {
            t.put("attempt", attempt);
        }
        return event;
    }

    /** The attempt a task event (or a destination record's request payload) carries, 0 if none. */
    static int attempt(com.fasterxml.jackson.databind.JsonNode event) {
        return event.path("tasks").path(0).path("attempt").asInt(0);
    }
}

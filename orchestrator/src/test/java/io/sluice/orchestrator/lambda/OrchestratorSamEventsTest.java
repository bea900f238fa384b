package io.sluice.orchestrator.lambda;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.infra.template.Template;
import io.sluice.orchestrator.batch.JobRequest;
import io.sluice.orchestrator.batch.JobSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payloads of {@code events/} for this module's functions ({@code sam local invoke -e events/<Function>.json})
 * against their handlers' parsers: the coordinator's job request and the scaler's schedule.
 */
class OrchestratorSamEventsTest {

    private static final Path EVENTS = Template.locate().getParent().resolve("events");

    @Test
    void coordinatorEvent_isAJobRequestOverACsvManifest() throws IOException {
        JobSpec spec = JobRequest.parse(JsonMapper.builder().build().readTree(
                EVENTS.resolve("BatchCoordinatorFunction.json").toFile()), "gmv-by-category", "results-bucket");

        assertThat(spec.jobId()).isEqualTo("nightly-2020-11-11");
        assertThat(spec.input().key()).isEqualTo("manifests/2020-11-11.csv");
        assertThat(spec.outputBucket()).isEqualTo("results-bucket");
    }

    @Test
    void scalerEvent_isAScheduledEvent() throws IOException {
        // The scaler reads nothing from its event but that it is EventBridge's schedule (field names of ScheduledEvent).
        var event = JsonMapper.builder().build().readTree(EVENTS.resolve("ShardScalerFunction.json").toFile());

        assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(event.path("source").asText()).isEqualTo("aws.events");
        assertThat(event.path("time").asText()).isNotEmpty();
    }
}

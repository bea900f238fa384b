package io.sluice.orchestrator.batch;

import io.sluice.functions.driver.SinkOutputs;
import io.sluice.functions.runtime.RejectedRecord;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FiringOutputsTest {

    @Test
    void flush_reachesTheDelegate_soAWindowRowThatCannotFireIsSentToTheDeadLetters() {
        List<RejectedRecord> sent = new ArrayList<>();
        SinkOutputs sinks = new SinkOutputs(List.of(rows -> { }), late -> { }, sent::add);
        InMemoryJobStore jobs = new InMemoryJobStore();
        try (Heartbeat lease = Heartbeat.start(jobs, "job-1", "owner", Clock.systemUTC(), 60_000, 0)) {
            FiringOutputs outputs = new FiringOutputs(sinks, jobs, "job-1", lease, Instant.MAX, Clock.systemUTC(),
                    () -> { });
            outputs.rejected(new RejectedRecord("p", "firing", "window=[0,60000)", "window cannot fire", null));

            outputs.flush("firing");
        }

        assertThat(sent).extracting(RejectedRecord::position).containsExactly("window=[0,60000)");
    }
}

package io.sluice.orchestrator.batch;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, at CI size: a manifest of 5,000 small objects is planned (compactly: five plan items) and completed on the
 * local engines in five grouped tasks, every order counted once. {@link LargeManifestBench} runs the same at 100,000.
 */
@ExtendWith(LocalAwsExtension.class)
class ManyObjectsJobIT {

    @Test
    void aManifestOf5000SmallObjects_isPlannedAndCompleted_inGroupedTasks_countingEveryOrderOnce(LocalAws aws)
            throws Exception {
        LargeManifestBench.Result r = LargeManifestBench.run(aws, 5_000, 1_000, 4, 14 * 60_000L, "");

        assertThat(r.report().completed()).isTrue();
        assertThat(r.invocations()).isEqualTo(1);
        assertThat(r.report().tasks()).hasSize(5).allMatch(t -> t.task().more().size() == 999);
        assertThat(r.report().linesIn()).isEqualTo(5_000);
        assertThat(r.countedOrders()).isEqualTo(5_000);
    }
}

package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerProbeTest {

    @Test
    void shouldAnswerWithinOneSecondWhetherOrNotDockerRuns() {
        long t0 = System.nanoTime();

        boolean available = DockerProbe.dockerAvailable();

        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Docker available=" + available + " detected in " + millis + " ms");
        assertThat(millis).isLessThan(1000);
    }

    @Test
    void shouldRejectAnUnknownKind() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalAws.of("kubernetes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("emulators");
    }
}

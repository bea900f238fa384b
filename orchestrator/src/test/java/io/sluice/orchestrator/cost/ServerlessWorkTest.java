package io.sluice.orchestrator.cost;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ServerlessWorkTest {

    /** CPU ms per 1,000 records of a batch of {@code records} under {@code work}. */
    private static double cpuPerThousand(ServerlessWork work, double records) {
        return work.cpuMillis(1, records) / records * 1000;
    }

    @Test
    void measuredFigures_giveBackBothMeasuredBatchSizes() {
        ServerlessWork work = ServerlessWork.measured();
        assertThat(cpuPerThousand(work, 1_000)).isCloseTo((26.0 + 27.0) / 2, within(0.1));
        assertThat(cpuPerThousand(work, 299)).isCloseTo((69.3 + 70.4) / 2, within(0.2));
    }

    @Test
    void vcpuShare_isTheMemorysShareOfOneVcpu_atMostOne() {
        assertThat(new ServerlessWork(0, 0, 0, 0, 1024, 1).vcpuShare()).isCloseTo(1024 / 1769.0, within(1e-12));
        assertThat(new ServerlessWork(0, 0, 0, 0, 1769, 1).vcpuShare()).isEqualTo(1.0);
        assertThat(new ServerlessWork(0, 0, 0, 0, 4096, 1).vcpuShare()).isEqualTo(1.0);
    }

    @Test
    void negativeFigures_areRefused() {
        assertThatThrownBy(() -> new ServerlessWork(-1, 8, 6, 5, 1024, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1.0 ms a batch");
    }
}

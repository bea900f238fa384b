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
        assertThat(cpuPerThousand(work, 1_000)).isCloseTo((12.6 + 11.2 + 11.1 + 11.2) / 4, within(0.1));
        assertThat(cpuPerThousand(work, 299)).isCloseTo((24.9 + 26.3 + 22.8) / 3, within(0.2));
    }

    @Test
    void unitsPerThousand_areTheMeasuredFigures_logLinearBetweenThem_flatBeyond() {
        ServerlessWork work = ServerlessWork.measured();
        assertThat(work.writeUnitsPerThousand(300)).isCloseTo(29.1, within(1e-9));
        assertThat(work.readUnitsPerThousand(1_000)).isCloseTo(4.3, within(1e-9));
        // 316 lies between the measured 300 and 1,000
        double t = (Math.log10(316) - Math.log10(300)) / (3 - Math.log10(300));
        assertThat(work.writeUnitsPerThousand(316)).isCloseTo(29.1 + (9.2 - 29.1) * t, within(1e-9));
        assertThat(work.writeUnitsPerThousand(50)).isCloseTo(85.8, within(1e-9));
        assertThat(work.writeUnitsPerThousand(40_000)).isCloseTo(1.4, within(1e-9));
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

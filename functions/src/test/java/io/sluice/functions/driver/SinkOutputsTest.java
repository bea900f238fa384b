package io.sluice.functions.driver;

import io.sluice.functions.io.ResultsSink;
import io.sluice.functions.runtime.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkOutputsTest {

    private static final List<ResultRow> ROWS = List.of(new ResultRow("gmv", 0, 60_000, "c-1", 3L, true));

    @Test
    void results_writesEverySinkTogether_andReturnsWhenAllHold() {
        // Arrange: each sink finishes only once all three have started; one after the other, none would.
        CountDownLatch allStarted = new CountDownLatch(3);
        List<String> wrote = Collections.synchronizedList(new ArrayList<>());
        List<ResultsSink> sinks = new ArrayList<>();
        for (String name : List.of("s3", "table", "totals")) {
            sinks.add(rows -> {
                allStarted.countDown();
                try {
                    if (!allStarted.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException(name + " waited for the other sinks in vain");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                wrote.add(name);
            });
        }
        SinkOutputs outputs = new SinkOutputs(sinks, late -> { }, rejected -> { });

        // Act
        outputs.results(ROWS);

        // Assert
        assertThat(wrote).containsExactlyInAnyOrder("s3", "table", "totals");
        assertThat(outputs.rowsOut()).isEqualTo(1);
    }

    @Test
    void results_throwsTheFirstSinksFailure_afterTheOthersFinished() {
        List<String> wrote = Collections.synchronizedList(new ArrayList<>());
        SinkOutputs outputs = new SinkOutputs(List.of(
                rows -> {
                    throw new IllegalStateException("s3 unavailable");
                },
                rows -> wrote.add("table")), late -> { }, rejected -> { });

        assertThatThrownBy(() -> outputs.results(ROWS)).hasMessage("s3 unavailable");
        assertThat(wrote).containsExactly("table");
        assertThat(outputs.rowsOut()).isZero();
    }
}

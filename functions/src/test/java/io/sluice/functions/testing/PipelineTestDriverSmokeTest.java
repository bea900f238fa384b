package io.sluice.functions.testing;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.runtime.ResultRow;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineTestDriverSmokeTest {

    @Test
    void shouldAggregateOneWindow() {
        try (var driver = new PipelineTestDriver(GmvPipelines.byCategory())) {
            driver.pipe("shard-0", new Order("o-1", "u-1", "c-1", 1999, 0));
            driver.pipe("shard-0", new Order("o-2", "u-1", "c-1", 1, 59_999));
            driver.pipe("shard-0", "{not json");
            driver.finish();

            assertThat(driver.results()).extracting(ResultRow::value).containsExactly(new CountAndSum(2, 2000));
            assertThat(driver.rejectedRecords()).hasSize(1);
        }
    }
}

package io.sluice.functions.api;

import io.sluice.functions.examples.GmvPipelines;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineDefinitionTest {

    @Test
    void forJob_namesTheJobsOwnStateAndResults_deterministically() {
        PipelineDefinition<CountAndSum> base = GmvPipelines.byCategory();

        assertThat(base.forJob("Nightly 2020-11-11").name()).isEqualTo("gmv-by-category-nightly-2020-11-11");
        assertThat(base.forJob("f3cc4f60-61f6-4a2b-8a21-d07600c373ce").name())
                .isEqualTo(base.forJob("f3cc4f60-61f6-4a2b-8a21-d07600c373ce").name())
                .hasSizeLessThanOrEqualTo(63)
                .startsWith("gmv-by-category-f3cc4f60");
        assertThat(base.forJob("a").name()).isNotEqualTo(base.forJob("b").name());
        assertThat(base.forJob("x").sink()).isEqualTo(base.sink());
        assertThatThrownBy(() -> base.forJob(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void windowingWithoutTimestamps_failsWhenThePipelineIsDefined_sayingWhatToCall() {
        Pipeline<io.sluice.functions.examples.Order> untimed = Pipeline.from(
                Source.jsonLines(io.sluice.functions.examples.Order.class));

        assertThatThrownBy(() -> untimed.keyBy("category", io.sluice.functions.examples.Order::category)
                .window(io.sluice.functions.window.TumblingWindows.of(java.time.Duration.ofMinutes(1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call withTimestamps(..) before windowing");
    }
}

package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventSourceMappingConfigTest {

    @Test
    void shouldStartFromLambdasDefaults() {
        EventSourceMappingConfig c = EventSourceMappingConfig.forStream("orders");

        assertThat(c.batchSize()).isEqualTo(100);
        assertThat(c.maximumBatchingWindow()).isEqualTo(Duration.ZERO);
        assertThat(c.maximumRetryAttempts()).isEqualTo(-1);
        assertThat(c.maximumRecordAge()).isNull();
        assertThat(c.bisectBatchOnFunctionError()).isFalse();
        assertThat(c.reportBatchItemFailures()).isFalse();
        assertThat(c.parallelizationFactor()).isEqualTo(1);
    }

    @Test
    void shouldReturnChangedCopiesThatCompareByValue() {
        EventSourceMappingConfig base = EventSourceMappingConfig.forStream("orders");

        EventSourceMappingConfig changed = base.withBatchSize(500).withMaximumRetryAttempts(3);

        assertThat(base.batchSize()).isEqualTo(100);
        assertThat(changed).isEqualTo(EventSourceMappingConfig.forStream("orders").withMaximumRetryAttempts(3).withBatchSize(500));
    }

    @Test
    void shouldRejectSettingsOutsideLambdasBounds() {
        EventSourceMappingConfig c = EventSourceMappingConfig.forStream("orders");

        assertThatThrownBy(() -> c.withBatchSize(0)).hasMessageContaining("BatchSize");
        assertThatThrownBy(() -> c.withBatchSize(10_001)).hasMessageContaining("BatchSize");
        assertThatThrownBy(() -> c.withMaximumBatchingWindow(Duration.ofSeconds(301))).hasMessageContaining("MaximumBatchingWindow");
        assertThatThrownBy(() -> c.withMaximumRetryAttempts(-2)).hasMessageContaining("MaximumRetryAttempts");
        assertThatThrownBy(() -> c.withParallelizationFactor(2)).hasMessageContaining("per-shard order");
    }
}

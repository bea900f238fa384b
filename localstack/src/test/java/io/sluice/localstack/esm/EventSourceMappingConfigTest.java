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

    @Test
    void shouldValidateMaximumRecordAgeAsLambdaDoes() {
        // Lambda: -1 (null here) or 60..604800 seconds ("Lambda parameters for Kinesis event source mappings").
        EventSourceMappingConfig c = EventSourceMappingConfig.forStream("orders");

        assertThat(c.withMaximumRecordAge(Duration.ofSeconds(60)).maximumRecordAge()).hasSeconds(60);
        assertThat(c.withMaximumRecordAge(Duration.ofSeconds(604_800)).maximumRecordAge()).hasSeconds(604_800);
        assertThat(c.withMaximumRecordAge(null).maximumRecordAge()).isNull();
        assertThatThrownBy(() -> c.withMaximumRecordAge(Duration.ofSeconds(59)))
                .hasMessage("MaximumRecordAgeInSeconds must be -1 or 60..604800, was 59");
        assertThatThrownBy(() -> c.withMaximumRecordAge(Duration.ofSeconds(604_801)))
                .hasMessageContaining("MaximumRecordAgeInSeconds must be -1 or 60..604800");
        assertThatThrownBy(() -> c.withMaximumRecordAge(Duration.ZERO)).hasMessageContaining("MaximumRecordAgeInSeconds");
    }

    @Test
    void shouldTakeSamsDefaultTimeoutAndRefuseOneOutsideLambdasBounds() {
        EventSourceMappingConfig c = EventSourceMappingConfig.forStream("orders");

        assertThat(c.functionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.withFunctionTimeout(Duration.ofSeconds(900)).functionTimeout()).isEqualTo(Duration.ofSeconds(900));
        assertThatThrownBy(() -> c.withFunctionTimeout(Duration.ofSeconds(901))).hasMessageContaining("Timeout must be 1..900 s");
        assertThatThrownBy(() -> c.withFunctionTimeout(Duration.ZERO)).hasMessageContaining("Timeout");
    }

    @Test
    void shouldRefuseOnFailureDestinationsOtherThanSqs() {
        EventSourceMappingConfig c = EventSourceMappingConfig.forStream("orders");

        assertThat(c.withOnFailureDestination("arn:aws:sqs:us-east-1:123456789012:dlq").onFailureDestination()).isNotNull();
        assertThat(c.withOnFailureDestination("http://localhost:5000/123456789012/dlq").onFailureDestination()).isNotNull();
        assertThatThrownBy(() -> c.withOnFailureDestination("arn:aws:sns:us-east-1:123456789012:topic"))
                .hasMessageContaining("Only SQS on-failure destinations are implemented locally");
        assertThatThrownBy(() -> c.withOnFailureDestination("arn:aws:s3:::bucket"))
                .hasMessageContaining("Only SQS");
    }
}

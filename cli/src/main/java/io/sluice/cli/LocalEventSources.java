package io.sluice.cli;

import io.sluice.infra.template.KinesisEventSettings;
import io.sluice.localstack.esm.EventSourceMappingConfig;

/**
 * Maps the template's event-source settings ({@code infra}) onto the local event-source mapping's configuration
 * ({@code localstack}): the one place the two meet, so neither module knows the other.
 *
 * <pre>{@code
 * EventSourceMappingConfig config = LocalEventSources.config(EventSources.kinesis(template).get(0).settings());
 * }</pre>
 */
public final class LocalEventSources {

    private LocalEventSources() {
    }

    /**
     * @param settings what the template declares
     * @return the same settings for the local runtime, with its default local timings
     * @throws IllegalArgumentException if the local runtime refuses a setting
     */
    public static EventSourceMappingConfig config(KinesisEventSettings settings) {
        return EventSourceMappingConfig.forStream(settings.streamName())
                .withFunctionName(settings.functionName())
                .withFunctionTimeout(settings.functionTimeout())
                .withBatchSize(settings.batchSize())
                .withMaximumBatchingWindow(settings.maximumBatchingWindow())
                .withStartingPosition(EventSourceMappingConfig.StartingPosition.valueOf(
                        settings.startingPosition().name()), settings.startingPositionTimestamp())
                .withMaximumRetryAttempts(settings.maximumRetryAttempts())
                .withBisectBatchOnFunctionError(settings.bisectBatchOnFunctionError())
                .withMaximumRecordAge(settings.maximumRecordAge())
                .withReportBatchItemFailures(settings.reportBatchItemFailures())
                .withOnFailureDestination(settings.onFailureDestination())
                .withParallelizationFactor(settings.parallelizationFactor());
    }
}

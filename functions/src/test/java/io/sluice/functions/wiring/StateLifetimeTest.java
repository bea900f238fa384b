package io.sluice.functions.wiring;

import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.window.SessionWindows;
import io.sluice.functions.window.SlidingWindows;
import io.sluice.functions.window.TumblingWindows;
import io.sluice.state.dynamodb.DynamoDbStateStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateLifetimeTest {

    private static final Duration READABLE = Duration.ofHours(84);  // the default store's: half of 7 days

    @Test
    void theDefaultStore_keepsAPartialReadableForHalfItsSevenDayRetention() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo).withStateTable("s")
                    .withCoordinationTable("c").build();
            assertThat(store.readableAfterLastWrite()).isEqualTo(READABLE);
        }
    }

    @Test
    void everyBuiltInPipeline_firesBeforeItsStateCanExpire() {
        PipelineRegistry registry = PipelineRegistry.builtIn();
        assertThat(registry.names()).isNotEmpty().allSatisfy(name -> assertThatCode(() ->
                StateLifetime.require(name, registry.get(name).windows(), READABLE)).doesNotThrowAnyException());
    }

    @Test
    void aWindowThatWaitsExactlyTheReadableTime_runs_andOneMillisecondMore_isRefused() {
        Duration open = READABLE.minus(StateLifetime.FIRING_SLACK).minus(Duration.ofHours(1));
        assertThatCode(() -> StateLifetime.require("p",
                TumblingWindows.of(open).withAllowedLateness(Duration.ofHours(1)), READABLE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> StateLifetime.require("p",
                TumblingWindows.of(open.plusMillis(1)).withAllowedLateness(Duration.ofHours(1)), READABLE))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWeeklyWindow_isRefusedWithTheNumbersAndWhatToDo() {
        assertThatThrownBy(() -> StateLifetime.require("weekly-gmv", TumblingWindows.of(Duration.ofDays(7)), READABLE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Pipeline weekly-gmv")
                .hasMessageContaining("waits up to 8.00 days")
                .hasMessageContaining("(3.50 days, half its retention)")
                .hasMessageContaining("use windows of at most 2.50 days");
    }

    @Test
    void slidingWindowsAreJudgedByTheirSize_andSessionsByTheirGapAndLateness() {
        assertThatThrownBy(() -> StateLifetime.require("p",
                SlidingWindows.of(Duration.ofDays(3), Duration.ofHours(1)), READABLE))
                .isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> StateLifetime.require("p",
                SlidingWindows.of(Duration.ofDays(1), Duration.ofHours(1)), READABLE)).doesNotThrowAnyException();
        assertThatCode(() -> StateLifetime.require("p",
                SessionWindows.withGap(Duration.ofMinutes(30)), READABLE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> StateLifetime.require("p",
                SessionWindows.withGap(Duration.ofDays(2)).withAllowedLateness(Duration.ofDays(1)), READABLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2.00 days open");
    }
}

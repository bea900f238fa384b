package io.sluice.functions.window;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowOptionsTest {

    @Test
    void tumbling_assignsBoundaryRecordsToTheWindowTheyStart() {
        TumblingWindows minutes = TumblingWindows.of(Duration.ofMinutes(1));

        assertThat(minutes.windowStart(0)).isZero();
        assertThat(minutes.windowStart(59_999)).isZero();
        assertThat(minutes.windowStart(60_000)).isEqualTo(60_000);
        assertThat(minutes.windowStart(-1)).isEqualTo(-60_000);
        assertThat(minutes.withOffset(Duration.ofSeconds(10)).windowStart(5_000)).isEqualTo(-50_000);
    }

    @Test
    void options_areImmutableValues() {
        TumblingWindows base = TumblingWindows.of(Duration.ofMinutes(1));
        TumblingWindows late = base.withAllowedLateness(Duration.ofSeconds(30));

        assertThat(base.allowedLateness()).isZero();
        assertThat(late).isNotEqualTo(base).isEqualTo(TumblingWindows.of(Duration.ofMinutes(1)).withAllowedLateness(Duration.ofSeconds(30)));
        assertThat(late.hashCode()).isEqualTo(TumblingWindows.of(Duration.ofMinutes(1)).withAllowedLateness(Duration.ofSeconds(30)).hashCode());
        assertThat(late.toString()).contains("PT1M", "PT30S");
        assertThat(WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)).withIdleness(Duration.ofMinutes(1)).idleness())
                .contains(Duration.ofMinutes(1));
        assertThat(Trigger.atWatermark().withEarlyFiringsEvery(Duration.ofSeconds(5)).earlyInterval()).contains(Duration.ofSeconds(5));
    }

    @Test
    void sessionFiringInterval_defaultsToTheGap_atMostAMinute_andIsAValue() {
        assertThat(SessionWindows.withGap(Duration.ofSeconds(20)).firingInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(SessionWindows.withGap(Duration.ofMinutes(30)).withAllowedLateness(Duration.ofMinutes(1))
                .firingInterval()).isEqualTo(Duration.ofMinutes(1));
        SessionWindows everyAdvance = SessionWindows.withGap(Duration.ofMinutes(30)).withFiringInterval(Duration.ZERO);

        assertThat(everyAdvance.firingInterval()).isZero();
        assertThat(everyAdvance).isNotEqualTo(SessionWindows.withGap(Duration.ofMinutes(30)))
                .isEqualTo(SessionWindows.withGap(Duration.ofMinutes(30)).withFiringInterval(Duration.ZERO));
        assertThat(everyAdvance.withAllowedLateness(Duration.ofSeconds(5)).firingInterval()).isZero();
        assertThat(everyAdvance.toString()).contains("firingInterval=PT0S");
        assertThatThrownBy(() -> everyAdvance.withFiringInterval(Duration.ofSeconds(-1)))
                .hasMessageContaining("firingInterval");
    }

    @Test
    void factories_rejectInvalidDurations() {
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ZERO)).hasMessageContaining("size must be positive");
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ofMinutes(1)).withAllowedLateness(Duration.ofSeconds(-1)))
                .hasMessageContaining("allowedLateness");
        assertThatThrownBy(() -> SlidingWindows.of(Duration.ofMinutes(1), Duration.ofMinutes(2))).hasMessageContaining("slide");
        assertThatThrownBy(() -> SlidingWindows.of(Duration.ofHours(1), Duration.ofMillis(1))).hasMessageContaining("at most");
        assertThatThrownBy(() -> SessionWindows.withGap(Duration.ofSeconds(-5))).hasMessageContaining("gap");
        assertThatThrownBy(() -> WatermarkStrategy.boundedDisorder(Duration.ofSeconds(-1))).hasMessageContaining("maxDisorder");
        assertThatThrownBy(() -> Trigger.atWatermark().withEarlyFiringsEvery(Duration.ZERO)).hasMessageContaining("early");
    }

    @Test
    void watermark_isMaxTimestampMinusDisorder_andSaturates() {
        WatermarkStrategy strategy = WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5));

        assertThat(strategy.watermarkFor(65_000)).isEqualTo(60_000);
        assertThat(strategy.watermarkFor(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(strategy.watermarkFor(Long.MIN_VALUE + 10)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void sliding_lastWindowStart_isTheLatestSlideBoundary() {
        SlidingWindows w = SlidingWindows.of(Duration.ofMinutes(10), Duration.ofMinutes(5));

        assertThat(w.lastWindowStart(7 * 60_000)).isEqualTo(5 * 60_000);
        assertThat(w.lastWindowStart(-1)).isEqualTo(-5 * 60_000);
    }
}

package io.sluice.dashboard;

import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.orchestrator.nightly.ConsistencyCheck;
import io.sluice.orchestrator.nightly.ConsistencyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real dashboard (Micronaut, uPlot from its WebJar) in headless Chromium over a results table on local AWS,
 * filled by the real results sink with a Double 11 evening, today and yesterday: both curves are drawn, the numbers
 * of the chosen minute are the table's, and a nightly check that finds a tampered live window turns the page red.
 * Leaves a screenshot in {@code target/dashboard.png} (copied to {@code docs/} for the README).
 */
@ExtendWith(LocalAwsExtension.class)
class DashboardPageTest {

    private static final String P = "gmv-by-category";
    private static final ZoneId TZ = ZoneId.of("Asia/Shanghai");
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 11);
    private static final Instant EVENING = TODAY.atTime(LocalTime.of(19, 0)).atZone(TZ).toInstant();
    private static final Instant AT = TODAY.atTime(LocalTime.of(21, 30, 20)).atZone(TZ).toInstant();
    private static final long MIN = 60_000L;
    private static final int MINUTES = 151;   // 19:00 .. 21:30

    private static ResultsFixture results;
    private static DashboardServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start(LocalAws aws) throws Exception {
        results = new ResultsFixture(aws);
        Random random = new Random(11);
        List<ResultRow> rows = new ArrayList<>();
        long yesterdayEvening = EVENING.atZone(TZ).minusDays(1).toInstant().toEpochMilli();
        for (int m = 0; m < MINUTES; m++) {
            double peak = 1 + 3 * Math.exp(-Math.pow((m - 120) / 25.0, 2));   // the evening build-up
            for (int c = 1; c <= 12; c++) {
                long yesterday = (long) (peak * 100_000 / c) + random.nextInt(5_000);
                long today = (long) (yesterday * 1.2) + random.nextInt(5_000);
                rows.add(row(P, EVENING.toEpochMilli() + m * MIN, "c-" + c, today));
                rows.add(row(P, yesterdayEvening + m * MIN, "c-" + c, yesterday));
                // Yesterday's nightly recomputation: the same rows, as the batch job's own pipeline.
                rows.add(row(P + "-nightly-2026-11-10", yesterdayEvening + m * MIN, "c-" + c, yesterday));
            }
        }
        results.rows(rows);
        server = results.serve();
        browser = Chromium.start(1440, 900);
    }

    private static ResultRow row(String pipeline, long start, String key, long cents) {
        return new ResultRow(pipeline, start, start + MIN, key, new CountAndSum(cents / 1999 + 1, cents), true);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
        results.close();
    }

    @Test
    void page_drawsBothCurves_showsTheTablesNumbers_andTurnsRedOnANightlyDifference() throws Exception {
        ConsistencyCheck check = new ConsistencyCheck(results.dynamo, results.table);
        Instant dayStart = TODAY.minusDays(1).atStartOfDay(TZ).toInstant();
        Instant dayEnd = TODAY.atStartOfDay(TZ).toInstant();
        ConsistencyReport consistent = check.compareAndStore(P, P + "-nightly-2026-11-10", "2026-11-10", dayStart,
                dayEnd, Instant.parse("2026-11-10T17:30:00Z").toEpochMilli());
        assertThat(consistent.status()).isEqualTo("CONSISTENT");

        browser.get(server.url() + "?pipeline=" + P + "&tz=Asia/Shanghai&at=" + AT + "&refresh=2");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(b -> "ok".equals(browser.findElement(By.id("consistency")).getAttribute("data-state")));

        // Curves: one point per minute of today so far and of yesterday's same minutes, both stroked on the canvas.
        assertThat(js("return window.sluiceDashboard.chart.data[1].filter(v => v !== null).length")).isEqualTo(151L);
        assertThat(js("return window.sluiceDashboard.chart.data[2].filter(v => v !== null).length")).isEqualTo(151L);
        assertThat(pixelsOf(37, 99, 235)).as("today's blue curve").isGreaterThan(200L);
        assertThat(pixelsOf(156, 163, 175)).as("yesterday's grey curve").isGreaterThan(100L);

        // The chosen minute (21:30) and the day so far: the table's own sums.
        long window = EVENING.toEpochMilli() + 150 * MIN;
        long yesterdayWindow = window - 86_400_000L;
        assertThat(cents("current-today")).isEqualTo(tableSum(P, window, window + MIN));
        assertThat(cents("current-yesterday")).isEqualTo(tableSum(P, yesterdayWindow, yesterdayWindow + MIN));
        assertThat(cents("day-today")).isEqualTo(tableSum(P, dayEnd.toEpochMilli(), window + MIN));
        assertThat(cents("day-yesterday")).isEqualTo(tableSum(P, dayStart.toEpochMilli(), yesterdayWindow + MIN));
        assertThat(browser.findElement(By.id("current-today")).getText()).isEqualTo(money(cents("current-today")));
        // One script reads the whole table: the page polls every 2 s and redraws its rows, so an element found
        // before a redraw is stale after it (a flake in CI when the rows were read one call at a time).
        List<?> top = (List<?>) js("return [...document.querySelectorAll('#top-keys tbody tr')]"
                + ".map(r => [r.getAttribute('data-key'), r.querySelectorAll('td')[1].getAttribute('data-cents')])");
        assertThat(top).hasSize(8);
        List<?> first = (List<?>) top.get(0);
        assertThat(first.get(0)).isEqualTo("c-1");
        assertThat(Long.parseLong((String) first.get(1))).isEqualTo(tableSum(P, window, window + MIN, "c-1"));
        assertThat(browser.findElement(By.id("consistency-status")).getText()).isEqualTo("CONSISTENT");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/dashboard.png"),
                StandardCopyOption.REPLACE_EXISTING);

        // A live window tampered with after the fact: the next nightly check finds it and the page turns red.
        results.tamper(ResultsFixture.row(P, yesterdayWindow - 60 * MIN, "c-3", 1, 1, true));
        ConsistencyReport differing = check.compareAndStore(P, P + "-nightly-2026-11-10", "2026-11-10", dayStart,
                dayEnd, Instant.parse("2026-11-10T17:31:00Z").toEpochMilli());
        assertThat(differing.windowsDiffering()).isEqualTo(1);
        wait.until(b -> "bad".equals(browser.findElement(By.id("consistency")).getAttribute("data-state")));
        assertThat(browser.findElement(By.id("consistency-status")).getText()).isEqualTo("INCONSISTENT");
        assertThat(browser.findElement(By.id("consistency")).getCssValue("border-left-color"))
                .isEqualTo("rgba(220, 38, 38, 1)");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/dashboard-inconsistent.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Object js(String script) {
        return browser.executeScript(script);
    }

    private static long pixelsOf(int r, int g, int b) {
        return (Long) js("const c = document.querySelector('#chart canvas');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + "for (let i = 0; i < d.length; i += 4) {"
                + "  if (Math.abs(d[i] - " + r + ") < 12 && Math.abs(d[i+1] - " + g + ") < 12"
                + "      && Math.abs(d[i+2] - " + b + ") < 12 && d[i+3] > 200) n++; }"
                + "return n;");
    }

    private static long cents(String id) {
        return Long.parseLong(browser.findElement(By.id(id)).getAttribute("data-cents"));
    }

    private static String money(long cents) {
        return String.format("%,d.%02d", cents / 100, cents % 100);
    }

    /** Sum of sum_cents of the live rows with window start in [from, to), read straight from the table. */
    private static long tableSum(String pipeline, long from, long to, String... onlyKey) {
        long sum = 0;
        for (Map<String, AttributeValue> item : results.dynamo.queryPaginator(b -> b.tableName(results.table)
                .keyConditionExpression("pk = :p AND sk BETWEEN :a AND :b").expressionAttributeValues(
                        Map.of(":p", AttributeValue.fromS(pipeline), ":a", AttributeValue.fromS(from + "#"),
                                ":b", AttributeValue.fromS(to + "#")))).items()) {
            long ws = Long.parseLong(item.get("ws").n());
            if (ws >= from && ws < to && (onlyKey.length == 0 || onlyKey[0].equals(item.get("k").s()))) {
                sum += Long.parseLong(item.get("sum_cents").n());
            }
        }
        return sum;
    }
}

package io.sluice.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static io.sluice.dashboard.ResultsFixture.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The JSON API served by Micronaut over a results table on local AWS (moto_server). */
@ExtendWith(LocalAwsExtension.class)
class DashboardApiTest {

    private static final String P = "gmv-by-category";
    // 2026-11-11 in Shanghai starts at 2026-11-10T16:00:00Z; 20:30 Shanghai = 12:30Z.
    private static final long DAY = Instant.parse("2026-11-10T16:00:00Z").toEpochMilli();
    private static final long YESTERDAY = DAY - 86_400_000L;
    private static final long MIN = 60_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ResultsFixture results;
    private static DashboardServer server;

    @BeforeAll
    static void start(LocalAws aws) {
        results = new ResultsFixture(aws);
        long at = DAY + 750 * MIN;                       // 12:30 local
        results.rows(List.of(
                row(P, at - MIN, "c-1", 3, 3000, true),
                row(P, at - MIN, "c-2", 1, 500, true),
                row(P, at, "c-1", 2, 2500, true),
                row(P, at, "c-2", 4, 9000, true),
                row(P, at, "c-3", 1, 100, true),
                row(P, at + MIN, "c-1", 1, 700, false),  // an early update of the open window
                // Yesterday, same local times.
                row(P, at - MIN - 86_400_000L, "c-1", 2, 2000, true),
                row(P, at - 86_400_000L, "c-1", 2, 2000, true),
                row(P, at - 86_400_000L, "c-2", 3, 6000, true),
                // Yesterday before midnight today-minus-one: outside the day so far.
                row(P, YESTERDAY - MIN, "c-1", 9, 99_999, true),
                // A nightly job's rows are their own pipeline.
                row(P + "-nightly-2026-11-11", at, "c-1", 2, 2400, true)));
        server = results.serve();
    }

    @AfterAll
    static void stop() {
        server.close();
        results.close();
    }

    @Test
    void series_sumsEveryKeyPerWindow_ranksTopKeys_andMarksEarlyRows() throws Exception {
        long at = DAY + 750 * MIN;
        JsonNode body = get("/api/series?pipeline=" + P + "&from=" + (at - MIN) + "&to=" + (at + 2 * MIN) + "&top=2", 200);

        assertThat(body.path("source").asText()).isEqualTo("live");
        assertThat(body.path("total")).hasSize(3);
        assertThat(body.path("total").get(0).path("sumCents").asLong()).isEqualTo(3500);
        assertThat(body.path("total").get(1).path("sumCents").asLong()).isEqualTo(11_600);
        assertThat(body.path("total").get(1).path("count").asLong()).isEqualTo(7);
        assertThat(body.path("total").get(1).path("final").asBoolean()).isTrue();
        assertThat(body.path("total").get(2).path("final").asBoolean()).isFalse();
        assertThat(body.path("top")).hasSize(2);
        assertThat(body.path("top").get(0).path("key").asText()).isEqualTo("c-2");   // 9,500 over the range
        assertThat(body.path("top").get(1).path("key").asText()).isEqualTo("c-1");   // 6,200
        assertThat(body.path("top").get(1).path("points")).hasSize(3);
        // 3 window totals for the curve, 6 rows for the top keys.
        assertThat(body.path("itemsRead").asLong()).isEqualTo(9);
    }

    @Test
    void series_withoutTopKeys_readsOneItemPerWindow_whateverTheNumberOfKeys() throws Exception {
        long at = DAY + 750 * MIN;
        JsonNode body = get("/api/series?pipeline=" + P + "&from=" + (at - MIN) + "&to=" + (at + 2 * MIN) + "&top=0", 200);

        assertThat(body.path("total").get(1).path("sumCents").asLong()).isEqualTo(11_600);
        assertThat(body.path("top")).isEmpty();
        assertThat(body.path("itemsRead").asLong()).isEqualTo(3);
    }

    @Test
    void series_readsABatchJobsRows_asTheirOwnPipeline() throws Exception {
        long at = DAY + 750 * MIN;
        JsonNode body = get("/api/series?pipeline=" + P + "&job=nightly-2026-11-11&from=" + at + "&to=" + (at + MIN), 200);

        assertThat(body.path("source").asText()).isEqualTo("offline");
        assertThat(body.path("table").asText()).isEqualTo(P + "-nightly-2026-11-11");
        assertThat(body.path("total").get(0).path("sumCents").asLong()).isEqualTo(2400);
    }

    @Test
    void compare_alignsYesterdayByLocalTimeOfDay_andComputesTheDifferences() throws Exception {
        long at = DAY + 750 * MIN;
        JsonNode body = get("/api/compare?pipeline=" + P + "&at=" + (at + 30_000) + "&tz=Asia/Shanghai&top=2", 200);

        assertThat(body.path("dayStart").asLong()).isEqualTo(DAY);
        assertThat(body.path("window").asLong()).isEqualTo(at);
        // Today's curve includes the early row of the open window only if it starts at or before "at".
        assertThat(body.path("today")).hasSize(2);
        assertThat(body.path("yesterday")).hasSize(2);
        assertThat(body.path("yesterday").get(1).path("t").asLong()).isEqualTo(at);   // aligned onto today
        assertThat(body.path("current").path("todayCents").asLong()).isEqualTo(11_600);
        assertThat(body.path("current").path("yesterdayCents").asLong()).isEqualTo(8000);
        assertThat(body.path("current").path("diffPercent").asDouble()).isEqualTo(45.0);
        assertThat(body.path("daySoFar").path("todayCents").asLong()).isEqualTo(15_100);
        assertThat(body.path("daySoFar").path("yesterdayCents").asLong()).isEqualTo(10_000);   // not yesterday's 23:59
        assertThat(body.path("daySoFar").path("diffPercent").asDouble()).isEqualTo(51.0);
        assertThat(body.path("topKeys")).hasSize(2);
        assertThat(body.path("topKeys").get(0).path("key").asText()).isEqualTo("c-2");
        assertThat(body.path("topKeys").get(0).path("yesterdayCents").asLong()).isEqualTo(6000);
        assertThat(body.path("topKeys").get(0).path("diffPercent").asDouble()).isEqualTo(50.0);
    }

    @Test
    void consistency_answersPresentFalse_beforeAnyNightlyRun_andTheLatestReportAfter() throws Exception {
        assertThat(get("/api/consistency?pipeline=gmv-total", 200).path("present").asBoolean()).isFalse();

        results.report(P, "2026-11-09", "{\"status\":\"INCONSISTENT\",\"windowsDiffering\":1}");
        results.report(P, "2026-11-10", "{\"status\":\"CONSISTENT\",\"windowsDiffering\":0}");
        JsonNode body = get("/api/consistency?pipeline=" + P, 200);

        assertThat(body.path("present").asBoolean()).isTrue();
        assertThat(body.path("day").asText()).isEqualTo("2026-11-10");
        assertThat(body.path("report").path("status").asText()).isEqualTo("CONSISTENT");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/series?from=0&to=1                                          | missing parameter [pipeline]",
            "/api/series?pipeline=Bad!&from=0&to=1                            | parameter [pipeline] must be",
            "/api/series?pipeline=p&from=yesterday&to=1                       | parameter [from] must be an ISO-8601",
            "/api/series?pipeline=p&from=100&to=100                           | parameter [to] must be after [from]",
            "/api/series?pipeline=p&from=0&to=172800001                       | at most 48 hours",
            "/api/series?pipeline=p&from=0&to=1&top=51                        | parameter [top] must be an integer in [0, 50]",
            "/api/series?pipeline=p&pipeline=q&from=0&to=1                    | parameter [pipeline] given 2 times",
            "/api/compare?pipeline=p&tz=Mars/Olympus                          | parameter [tz] must be a time zone",
            "/api/consistency                                                 | missing parameter [pipeline]",
    })
    void badParameters_areA400_withAMessageNamingTheParameter(String path, String message) throws Exception {
        assertThat(get(path.trim(), 400).path("error").asText()).contains(message.trim());
    }

    private static JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(response.body());
    }
}

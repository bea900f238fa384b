package io.sluice.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.runtime.ResultRow;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark, never run by the build: the API over two days of one-minute windows at {@code -Dsluice.bench.keys} keys
 * on the local engine (moto_server), through HTTP, as the page calls it; prints p50/p99 and the items read per query.
 *
 * <p>Every window's totals item is written by the real totals sink from all its keys' rows; the rows themselves are
 * written for the last {@code -Dsluice.bench.rowMinutes} minutes of each day (the queries measured read no others: a
 * Query reads only its partition's key range).
 *
 * <pre>
 * mvn -B -o -pl dashboard -am test -Dtest=QueryLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsluice.bench.keys=1000 -Dsluice.bench.queries=50
 * </pre>
 */
@ExtendWith(LocalAwsExtension.class)
@EnabledIfSystemProperty(named = "sluice.bench.keys", matches = "\\d+")
class QueryLatencyBench {

    private static final long DAY = 86_400_000L;
    private static final long TODAY = 1_605_052_800_000L;   // 2020-11-11T00:00Z

    @Test
    void apiLatency(LocalAws aws) throws Exception {
        int keys = Integer.getInteger("sluice.bench.keys");
        int queries = Integer.getInteger("sluice.bench.queries", 50);
        int rowMinutes = Integer.getInteger("sluice.bench.rowMinutes", 1);
        try (ResultsFixture results = new ResultsFixture(aws)) {
            long writeStart = System.nanoTime();
            long rowsWritten = 0;
            for (long day : new long[]{TODAY - DAY, TODAY}) {
                for (int m = 0; m < 1_440; m++) {
                    long ws = day + m * 60_000L;
                    List<ResultRow> rows = new ArrayList<>(keys);
                    for (int k = 0; k < keys; k++) {
                        rows.add(ResultsFixture.row("gmv-by-category", ws, "c-" + k, k + 1, 1999L * (k + 1) + m, true));
                    }
                    results.totals.write(rows);
                    if (m >= 1_440 - rowMinutes) {
                        results.sink.write(rows);
                        rowsWritten += rows.size();
                    }
                }
            }
            System.out.printf("bench: wrote 2,880 window totals (%d keys each) and %,d rows in %.1f s%n", keys,
                    rowsWritten, (System.nanoTime() - writeStart) / 1e9);
            try (DashboardServer server = results.serve()) {
                long at = TODAY + DAY - 1;
                measure(server, "series 24 h, totals only", "api/series?pipeline=gmv-by-category&from=" + TODAY
                        + "&to=" + (TODAY + DAY) + "&top=0", queries);
                measure(server, "compare at 23:59 (day so far + top 8 of the minute)",
                        "api/compare?pipeline=gmv-by-category&at=" + at + "&top=8", queries);
            }
        }
    }

    private static void measure(DashboardServer server, String what, String path, int queries) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long[] millis = new long[queries];
        long items = 0;
        for (int q = -3; q < queries; q++) {   // three warm-up queries
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.url().resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long t = (System.nanoTime() - t0) / 1_000_000;
            JsonNode body = new ObjectMapper().readTree(r.body());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("bad answer " + r.statusCode() + ": " + r.body());
            }
            if (q >= 0) {
                millis[q] = t;
                items = body.path("itemsRead").asLong();
            }
        }
        Arrays.sort(millis);
        System.out.printf("bench: %s: p50 %d ms, p99 %d ms, max %d ms (%d queries), %,d items read per query%n", what,
                millis[queries / 2], millis[Math.max(0, (int) Math.ceil(queries * 0.99) - 1)], millis[queries - 1],
                queries, items);
    }
}

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark, never run by the build: the series API over {@code -Dsluice.bench.keys} keys and
 * {@code -Dsluice.bench.minutes} one-minute windows on the local engine (moto_server), through HTTP, as the page calls
 * it; prints p50/p99 and the items read per query.
 *
 * <pre>
 * mvn -B -o -pl dashboard -am test -Dtest=QueryLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsluice.bench.keys=1000 -Dsluice.bench.minutes=60 -Dsluice.bench.queries=20
 * </pre>
 */
@ExtendWith(LocalAwsExtension.class)
@EnabledIfSystemProperty(named = "sluice.bench.keys", matches = "\\d+")
class QueryLatencyBench {

    @Test
    void seriesLatency(LocalAws aws) throws Exception {
        int keys = Integer.getInteger("sluice.bench.keys");
        int minutes = Integer.getInteger("sluice.bench.minutes", 60);
        int queries = Integer.getInteger("sluice.bench.queries", 20);
        long start = 1_605_024_000_000L;
        try (ResultsFixture results = new ResultsFixture(aws)) {
            long writeStart = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writes = new ArrayList<>();
            for (int m = 0; m < minutes; m++) {
                long ws = start + m * 60_000L;
                writes.add(pool.submit(() -> {
                    List<ResultRow> rows = new ArrayList<>();
                    for (int k = 0; k < keys; k++) {
                        rows.add(new ResultRow("gmv-by-category", ws, ws + 60_000, "c-" + k,
                                new CountAndSum(k + 1, 1999L * (k + 1)), true));
                    }
                    results.rows(rows);
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
            pool.shutdown();
            System.out.printf("bench: wrote %,d items in %.1f s%n", (long) keys * minutes,
                    (System.nanoTime() - writeStart) / 1e9);
            try (DashboardServer server = results.serve()) {
                HttpClient http = HttpClient.newHttpClient();
                String path = "api/series?pipeline=gmv-by-category&from=" + start + "&to="
                        + (start + minutes * 60_000L) + "&top=10";
                long[] millis = new long[queries];
                long items = 0;
                for (int q = -2; q < queries; q++) {   // two warm-up queries
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.url().resolve(path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long t = (System.nanoTime() - t0) / 1_000_000;
                    JsonNode body = new ObjectMapper().readTree(r.body());
                    if (r.statusCode() != 200 || body.path("total").size() != minutes) {
                        throw new IllegalStateException("bad answer " + r.statusCode() + ": " + r.body());
                    }
                    if (q >= 0) {
                        millis[q] = t;
                        items = body.path("itemsRead").asLong();
                    }
                }
                Arrays.sort(millis);
                System.out.printf("bench: series over %d keys x %d windows: p50 %d ms, p99 %d ms (%d queries), "
                        + "%,d items read per query%n", keys, minutes, millis[queries / 2],
                        millis[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)], queries, items);
            }
        }
    }
}

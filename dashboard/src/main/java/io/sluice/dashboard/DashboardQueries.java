package io.sluice.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's answers, as JSON-ready maps: a series, the comparison with yesterday, the last consistency report.
 * Every number is summed from the results table's rows in integer cents; only {@code diffPercent} is a fraction.
 *
 * <pre>{@code
 * DashboardQueries q = new DashboardQueries(new ResultsReader(dynamo, table));
 * Map<String, Object> body = q.series(SeriesRequest.parse(params));
 * }</pre>
 */
public final class DashboardQueries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResultsReader reader;

    public DashboardQueries(ResultsReader reader) {
        this.reader = reader;
    }

    /**
     * {@code {"pipeline","table","source","from","to","total":[Point],"top":[{key,count,sumCents,points}],"itemsRead"}}:
     * the curve from the per-window totals (one item a window), the top keys from the rows (one item a window and
     * key; skipped with {@code top=0}).
     */
    public Map<String, Object> series(SeriesRequest request) {
        long before = reader.itemsRead();
        Series totals = Series.of(reader.totals(request.tablePipeline(), request.from(), request.to()));
        List<Series.KeySeries> top = request.top() == 0 ? List.of()
                : Series.of(reader.rows(request.tablePipeline(), request.from(), request.to())).topKeys(request.top());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipeline", request.pipeline());
        body.put("table", request.tablePipeline());
        body.put("source", request.job() == null ? "live" : "offline");
        body.put("from", request.from().toEpochMilli());
        body.put("to", request.to().toEpochMilli());
        body.put("total", totals.total());
        body.put("top", top);
        body.put("itemsRead", reader.itemsRead() - before);
        return body;
    }

    /**
     * Today from midnight to {@code at}'s window against yesterday's same local times: both curves (yesterday's
     * points carry today's aligned {@code t}), the compared window, the day so far, and the top keys of the window.
     */
    public Map<String, Object> compare(CompareRequest request) {
        long before = reader.itemsRead();
        Instant dayStart = request.dayStart();
        Instant end = request.at().plusMillis(1);
        Series today = Series.of(reader.totals(request.pipeline(), dayStart, end));
        Series yesterday = Series.of(aligned(request,
                reader.totals(request.pipeline(), request.yesterday(dayStart), request.yesterday(end))));
        long window = today.latestAtOrBefore(request.at().toEpochMilli());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipeline", request.pipeline());
        body.put("tz", request.tz().getId());
        body.put("at", request.at().toEpochMilli());
        body.put("dayStart", dayStart.toEpochMilli());
        body.put("window", window < 0 ? null : window);
        body.put("today", today.total());
        body.put("yesterday", yesterday.total());
        if (window >= 0) {
            Point now = today.totalAt(window);
            Point then = yesterday.totalAt(window);
            body.put("current", comparison(now.sumCents(), then.sumCents(), now.isFinal()));
            body.put("daySoFar", comparison(today.sumThrough(window), yesterday.sumThrough(window), true));
            // The keys of the compared window only: its rows today and at the same time yesterday.
            Instant w = Instant.ofEpochMilli(window);
            Instant wYesterday = request.yesterday(w);
            Series keysNow = Series.of(reader.rows(request.pipeline(), w, w.plusMillis(1)));
            Series keysThen = Series.of(aligned(request, reader.rows(request.pipeline(), wYesterday,
                    wYesterday.plusMillis(1))));
            List<Map<String, Object>> top = new ArrayList<>();
            for (Series.KeySeries k : keysNow.topKeysAt(request.top(), window)) {
                Map<String, Object> row = comparison(keysNow.keyAt(k.key(), window), keysThen.keyAt(k.key(), window),
                        true);
                row.put("key", k.key());
                top.add(row);
            }
            body.put("topKeys", top);
        }
        body.put("itemsRead", reader.itemsRead() - before);
        return body;
    }

    // Yesterday's rows moved onto today's time of day.
    private static List<ResultItem> aligned(CompareRequest request, List<ResultItem> yesterdayRows) {
        List<ResultItem> aligned = new ArrayList<>(yesterdayRows.size());
        for (ResultItem row : yesterdayRows) {
            long t = request.today(Instant.ofEpochMilli(row.windowStart())).toEpochMilli();
            aligned.add(new ResultItem(t, row.key(), row.count(), row.sumCents(), row.isFinal()));
        }
        return aligned;
    }

    /** The latest nightly check: {@code {"pipeline","present":false}} when none has run yet. */
    public Map<String, Object> consistency(String pipeline) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipeline", Params.name("pipeline", pipeline));
        Optional<Map<String, AttributeValue>> item = reader.latestConsistencyReport(pipeline);
        body.put("present", item.isPresent());
        if (item.isPresent()) {
            try {
                JsonNode report = JSON.readTree(item.get().get("report").s());
                body.put("day", item.get().get("sk").s());
                body.put("report", report);
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("the consistency report of " + pipeline + " is not readable", e);
            }
        }
        return body;
    }

    private static Map<String, Object> comparison(long today, long yesterday, boolean isFinal) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("todayCents", today);
        c.put("yesterdayCents", yesterday);
        c.put("diffPercent", yesterday == 0 ? null : Math.round((today - yesterday) * 1000.0 / yesterday) / 10.0);
        c.put("final", isFinal);
        return c;
    }
}

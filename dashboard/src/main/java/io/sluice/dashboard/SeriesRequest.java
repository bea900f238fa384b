package io.sluice.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A checked request for a per-window series: {@code [from, to)} of one pipeline, live or one batch job's.
 *
 * <pre>{@code
 * SeriesRequest r = SeriesRequest.parse(Map.of("pipeline", "gmv-by-category",
 *         "from", "2026-11-11T00:00:00Z", "to", "2026-11-11T01:00:00Z", "top", "5"));
 * r.tablePipeline();   // "gmv-by-category"; with "job" = "nightly-2026-11-11": "gmv-by-category-nightly-2026-11-11"
 * }</pre>
 *
 * @param pipeline the live pipeline's name
 * @param job      a batch job id, or null for the live rows
 * @param from     inclusive, window starts at or after it
 * @param to       exclusive
 * @param top      how many keys to return with their own series (0..{@value #MAX_TOP})
 */
public record SeriesRequest(String pipeline, String job, Instant from, Instant to, int top) {

    /** The longest range one request may cover, in hours. */
    public static final int MAX_RANGE_HOURS = 48;
    /** The most keys one request may ask a series for. */
    public static final int MAX_TOP = 50;

    public SeriesRequest {
        if (!to.isAfter(from)) {
            throw new BadRequestException("parameter [to] must be after [from], got from=" + from + " to=" + to);
        }
        if (Duration.between(from, to).compareTo(Duration.ofHours(MAX_RANGE_HOURS)) > 0) {
            throw new BadRequestException("range [from, to) must cover at most " + MAX_RANGE_HOURS + " hours, got "
                    + Duration.between(from, to).toHours() + " hours");
        }
    }

    /** @throws BadRequestException naming the first parameter that is missing or malformed */
    public static SeriesRequest parse(Map<String, String> query) {
        String pipeline = Params.name("pipeline", query.get("pipeline"));
        String job = query.get("job") == null || query.get("job").isEmpty() ? null : Params.name("job", query.get("job"));
        return new SeriesRequest(pipeline, job, Params.instant("from", query.get("from")),
                Params.instant("to", query.get("to")), Params.integer("top", query.get("top"), 5, 0, MAX_TOP));
    }

    /** The table's partition: the live pipeline, or {@code <pipeline>-<job>} for a batch job's rows. */
    public String tablePipeline() {
        return job == null ? pipeline : pipeline + "-" + job;
    }
}

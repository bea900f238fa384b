package io.sluice.dashboard;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON API (README, "The dashboard"): thin, it only hands the query string to {@link DashboardQueries}. Bad
 * parameters are answered {@code 400 {"error": "..."}}.
 */
@Controller("/api")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardController {

    private final DashboardQueries queries;
    private final Clock clock;

    public DashboardController(DashboardQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    @Get("/series")
    public Map<String, Object> series(HttpRequest<?> request) {
        return queries.series(SeriesRequest.parse(params(request)));
    }

    @Get("/compare")
    public Map<String, Object> compare(HttpRequest<?> request) {
        return queries.compare(CompareRequest.parse(params(request), clock.instant()));
    }

    @Get("/consistency")
    public Map<String, Object> consistency(HttpRequest<?> request) {
        return queries.consistency(params(request).get("pipeline"));
    }

    @Error(exception = BadRequestException.class, global = true)
    public HttpResponse<Map<String, String>> badRequest(BadRequestException e) {
        return HttpResponse.badRequest(Map.of("error", e.getMessage()));
    }

    // The first value of each parameter; a repeated parameter is refused rather than guessed.
    private static Map<String, String> params(HttpRequest<?> request) {
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, List<String>> e : request.getParameters().asMap().entrySet()) {
            if (e.getValue().size() > 1) {
                throw new BadRequestException("parameter [" + e.getKey() + "] given " + e.getValue().size() + " times");
            }
            params.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
        }
        return params;
    }
}

package io.sluice.dashboard;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Lambda side: a function URL event (payload 2.0) reaches the same controller and page as the local server. */
@ExtendWith(LocalAwsExtension.class)
class DashboardFunctionUrlHandlerTest {

    @Test
    void functionUrlEvents_getTheApisJson_its400s_andThePage(LocalAws aws) throws Exception {
        try (ResultsFixture results = new ResultsFixture(aws)) {
            results.rows(java.util.List.of(ResultsFixture.row("gmv-by-category", 1_605_052_800_000L, "c-1", 2, 3998, true)));
            // Lambda sets SLUICE_DASHBOARD_RESULTS_TABLE; properties stand in for the environment here.
            ApplicationContext context = ApplicationContext.builder().properties(Map.of(
                    "sluice.dashboard.results-table", results.table,
                    "sluice.dashboard.endpoint", results.endpoint)).start();
            try (DashboardFunctionUrlHandler handler = new DashboardFunctionUrlHandler(context)) {
                APIGatewayV2HTTPResponse ok = handler.handleRequest(get("/api/series",
                        "pipeline=gmv-by-category&from=1605052800000&to=1605052860000"), null);
                assertThat(ok.getStatusCode()).as(ok.getBody()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(ok.getBody()).path("total").get(0).path("sumCents").asLong())
                        .isEqualTo(3998);

                APIGatewayV2HTTPResponse bad = handler.handleRequest(get("/api/series", "pipeline=gmv-by-category"), null);
                assertThat(bad.getStatusCode()).isEqualTo(400);
                assertThat(bad.getBody()).contains("missing parameter [from]");

                APIGatewayV2HTTPResponse page = handler.handleRequest(get("/index.html", ""), null);
                assertThat(page.getStatusCode()).isEqualTo(200);
                String html = page.getIsBase64Encoded()
                        ? new String(java.util.Base64.getDecoder().decode(page.getBody())) : page.getBody();
                assertThat(html).contains("GMV per minute", "uPlot.iife.min.js");
            }
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                params.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return params;
    }

    private static APIGatewayV2HTTPEvent get(String path, String query) {
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default").withRawPath(path)
                .withRawQueryString(query).withQueryStringParameters(params(query)).withHeaders(Map.of("host", "abc.lambda-url.us-east-1.on.aws"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path)
                                .withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").build())
                        .withDomainName("abc.lambda-url.us-east-1.on.aws").withStage("$default").build())
                .build();
    }
}

package io.sluice.dashboard;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's function in {@code template.yaml}: its handler, package, URL auth and least privilege. */
class DashboardTemplateTest {

    private final Template template = Template.load(Template.locate(), TemplateOptions.local());
    private final JsonNode function = template.resource("DashboardFunction").orElseThrow().properties();

    @Test
    void handler_isThisModulesFunctionUrlHandler_inItsShadedJar() throws Exception {
        String handler = function.path("Handler").asText();
        Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
        assertThat(RequestHandler.class).isAssignableFrom(type);
        assertThat(type.getConstructor()).isNotNull();
        assertThat(function.path("CodeUri").asText()).isEqualTo("dashboard/target/sluice-dashboard.jar");
        assertThat(Files.readString(Template.locate().getParent().resolve("dashboard/pom.xml")))
                .contains("<finalName>sluice-dashboard</finalName>");
    }

    @Test
    void functionUrl_isNotPublic_itNeedsIamAuth() {
        assertThat(function.path("FunctionUrlConfig").path("AuthType").asText()).isEqualTo("AWS_IAM");
    }

    @Test
    void role_onlyQueriesTheResultsTable() {
        List<String> actions = new ArrayList<>();
        List<String> resources = new ArrayList<>();
        for (JsonNode policy : function.path("Policies")) {
            for (JsonNode statement : policy.path("Statement")) {
                statement.path("Action").forEach(a -> actions.add(a.asText()));
                resources.add(template.resolve(statement.path("Resource")).asText());
            }
        }
        assertThat(actions).containsExactly("dynamodb:Query");
        assertThat(resources).containsExactly(template.arn("ResultsTable"));
        assertThat(function.path("Environment").path("Variables").path(DashboardFactory.RESULTS_TABLE_VARIABLE).isMissingNode())
                .isFalse();
    }
}

package io.sluice.dashboard;

import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

/**
 * The dashboard on AWS Lambda behind a function URL ({@code AuthType: AWS_IAM}; a function URL sends the API Gateway
 * HTTP API payload 2.0): the same {@link DashboardController} and page as {@code sluice dashboard} serves locally.
 *
 * <pre>{@code
 * // Handler: io.sluice.dashboard.DashboardFunctionUrlHandler::handleRequest
 * // Environment: SLUICE_DASHBOARD_RESULTS_TABLE=sluice-prod-results
 * }</pre>
 */
public class DashboardFunctionUrlHandler extends APIGatewayV2HTTPEventFunction {

    /** Lambda's constructor: the application context from the environment. */
    public DashboardFunctionUrlHandler() {
        super();
    }

    /** Tests' constructor: a started context with the dashboard's properties. */
    public DashboardFunctionUrlHandler(ApplicationContext context) {
        super(context);
    }
}

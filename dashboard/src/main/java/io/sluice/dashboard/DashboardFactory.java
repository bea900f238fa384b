package io.sluice.dashboard;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * Wires the API from configuration: {@code sluice.dashboard.results-table} (on Lambda the environment variable
 * {@code SLUICE_DASHBOARD_RESULTS_TABLE}) and, locally, {@code sluice.dashboard.endpoint} for the DynamoDB endpoint.
 */
@Factory
public class DashboardFactory {

    @Singleton
    DynamoDbClient dynamo(@Value("${sluice.dashboard.endpoint:}") Optional<String> endpoint) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        // Locally (an endpoint override) the emulators take any credentials; on Lambda the role's are used.
        endpoint.filter(e -> !e.isBlank()).ifPresent(e -> builder.endpointOverride(URI.create(e))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))));
        return builder.build();
    }

    /** The Lambda environment variable naming the results table (the template sets it). */
    public static final String RESULTS_TABLE_VARIABLE = "SLUICE_DASHBOARD_RESULTS_TABLE";

    @Singleton
    ResultsReader reader(DynamoDbClient dynamo, @Value("${sluice.dashboard.results-table:}") String table) {
        String name = table != null && !table.isBlank() ? table : System.getenv(RESULTS_TABLE_VARIABLE);
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("missing environment variable " + RESULTS_TABLE_VARIABLE
                    + " (or property sluice.dashboard.results-table)");
        }
        return new ResultsReader(dynamo, name);
    }

    @Singleton
    DashboardQueries queries(ResultsReader reader) {
        return new DashboardQueries(reader);
    }

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}

package io.sluice.dashboard;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;
import java.util.Map;

/**
 * The dashboard served locally by Micronaut's Netty server ({@code sluice dashboard}, the page test, the demo).
 *
 * <pre>{@code
 * try (DashboardServer server = DashboardServer.start(0, "sluice-demo-results", "http://127.0.0.1:5000")) {
 *     System.out.println(server.url());   // http://localhost:41234/
 * }
 * }</pre>
 */
public final class DashboardServer implements AutoCloseable {

    private final EmbeddedServer server;

    private DashboardServer(EmbeddedServer server) {
        this.server = server;
    }

    /**
     * @param port     0 for any free port
     * @param table    the results table
     * @param endpoint DynamoDB endpoint override (local AWS), or null for the default chain
     */
    public static DashboardServer start(int port, String table, String endpoint) {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(
                "micronaut.server.port", port,
                "micronaut.server.host", "127.0.0.1",
                "sluice.dashboard.results-table", table));
        if (endpoint != null) {
            properties.put("sluice.dashboard.endpoint", endpoint);
        }
        return new DashboardServer(ApplicationContext.run(EmbeddedServer.class, properties));
    }

    /** The page's address, e.g. {@code http://127.0.0.1:41234/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getPort() + "/");
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}

package io.sluice.localstack;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a Docker container through Testcontainers; used when a Docker engine answers. All
 * services share LocalStack's single edge endpoint.
 *
 * <pre>{@code
 * try (LocalAws aws = new LocalStackAws().start()) { aws.kinesis()... }
 * }</pre>
 *
 * <p>The image tag is pinned (also in {@code localstack/docker-compose.yml}) so runs are repeatable.
 */
public final class LocalStackAws implements LocalAws {
    /** Pinned LocalStack image; keep in step with {@code localstack/docker-compose.yml}. */
    public static final String IMAGE = "localstack/localstack:4.4.0";

    private LocalStackContainer container;
    private Duration startup = Duration.ZERO;

    @Override
    public synchronized LocalAws start() {
        if (container == null) {
            long t0 = System.nanoTime();
            LocalStackContainer c = new LocalStackContainer(DockerImageName.parse(IMAGE));
            try {
                c.start();
            } catch (RuntimeException e) {
                throw new LocalAwsException("LocalStack did not start (image " + IMAGE + "): " + e.getMessage(), e);
            }
            container = c;
            startup = Duration.ofNanos(System.nanoTime() - t0);
            System.getLogger(LocalStackAws.class.getName())
                    .log(System.Logger.Level.INFO, "LocalStack started in " + startup.toMillis() + " ms at " + c.getEndpoint());
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    @Override
    public String kind() {
        return "localstack";
    }

    @Override
    public synchronized URI endpoint(Service service) {
        if (container == null) {
            throw new IllegalStateException("LocalStack not started");
        }
        return container.getEndpoint();
    }

    @Override
    public Map<String, Duration> startupTimes() {
        return container == null ? Map.of() : Map.of("localstack", startup);
    }
}

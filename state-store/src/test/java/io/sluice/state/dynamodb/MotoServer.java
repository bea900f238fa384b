package io.sluice.state.dynamodb;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Test-scope stand-in until the {@code localstack} module's extension is merged: starts one
 * {@code moto_server -H 127.0.0.1 -p <free port>} per test run (DynamoDB with conditions; no Docker), hands out
 * clients with dummy credentials, and stops the process tree when the run ends (JUnit closes it from the root
 * store). {@code MOTO_SERVER} overrides the executable.
 *
 * <pre>{@code
 * @ExtendWith(MotoServer.class)
 * class SomeTest { DynamoDbClient dynamo = MotoServer.client(); }
 * }</pre>
 */
public final class MotoServer implements BeforeAllCallback, ExtensionContext.Store.CloseableResource, AutoCloseable {

    private static volatile MotoServer running;

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Used by JUnit as extension; the instance JUnit creates only starts the shared server. */
    public MotoServer() {
        this(null, null);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(MotoServer.class, k -> start(), MotoServer.class);
    }

    /** A client of the running server. */
    public static DynamoDbClient client() {
        MotoServer server = running;
        if (server == null) {
            throw new IllegalStateException("moto_server is not started: annotate the test with @ExtendWith(MotoServer.class)");
        }
        return server.newClient();
    }

    private DynamoDbClient newClient() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(60)))
                .build();
    }

    private static synchronized MotoServer start() {
        if (running != null) {
            return running;
        }
        try {
            int port = freePort();
            String executable = System.getenv().getOrDefault("MOTO_SERVER", "moto_server");
            File log = new File("target", "moto-" + port + ".log");
            log.getParentFile().mkdirs();
            Process process = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log).start();
            MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
            server.awaitReady();
            running = server;
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server (is it on the PATH?)", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        RuntimeException last = null;
        try (DynamoDbClient probe = newClient()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("moto_server exited with " + process.exitValue());
                }
                try {
                    probe.listTables();
                    return;
                } catch (RuntimeException notYet) {
                    last = notYet;
                    sleep(100);
                }
            }
        }
        close();
        throw new IllegalStateException("moto_server did not answer within 60 s", last);
    }

    /** Stops the server and every process it started (the PATH entry may be a shim that forks). */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        java.util.List<ProcessHandle> tree = process.descendants().toList(); // before the parent dies and they are re-parented
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.sluice.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers "does a Docker engine answer here?" in well under a second, by sending {@code GET /_ping} to
 * the engine's socket ({@code DOCKER_HOST}, {@code /var/run/docker.sock} or the user's Docker Desktop
 * socket). Testcontainers' own discovery tries several strategies and can take seconds when no engine
 * exists, which every test run and {@code sluice local up} would pay.
 */
public final class DockerProbe {
    private static final long TIMEOUT_MILLIS = 700;

    private DockerProbe() {
    }

    /** @return true if an engine answered {@code OK} to {@code /_ping} within ~0.7 s */
    public static boolean dockerAvailable() {
        List<String> candidates = new ArrayList<>();
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            candidates.add(dockerHost);
        } else {
            candidates.add("unix:///var/run/docker.sock");
            candidates.add("unix://" + System.getProperty("user.home") + "/.docker/run/docker.sock");
            candidates.add("unix://" + System.getProperty("user.home") + "/.docker/desktop/docker.sock");
        }
        for (String candidate : candidates) {
            CompletableFuture<Boolean> ping = CompletableFuture.supplyAsync(() -> ping(candidate));
            try {
                if (ping.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (Exception timeoutOrFailure) {
                ping.cancel(true);
            }
        }
        return false;
    }

    private static boolean isOk(String response) {
        return response.startsWith("HTTP/1.") && response.contains(" 200 ");
    }

    private static boolean ping(String host) {
        byte[] request = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            URI uri = URI.create(host);
            if ("unix".equals(uri.getScheme())) {
                Path socket = Path.of(uri.getPath());
                if (!Files.exists(socket)) {
                    return false;
                }
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    ch.write(ByteBuffer.wrap(request));
                    ByteBuffer buf = ByteBuffer.allocate(512);
                    ch.read(buf);
                    return isOk(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
                }
            }
            if ("tcp".equals(uri.getScheme())) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TIMEOUT_MILLIS);
                    s.setSoTimeout((int) TIMEOUT_MILLIS);
                    s.getOutputStream().write(request);
                    byte[] buf = new byte[512];
                    int n = s.getInputStream().read(buf);
                    return n > 0 && isOk(new String(buf, 0, n, StandardCharsets.US_ASCII));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
        return false;
    }
}

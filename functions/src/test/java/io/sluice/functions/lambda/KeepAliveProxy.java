package io.sluice.functions.lambda;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A keep-alive front for a local engine that closes every connection after its response (moto_server's Werkzeug
 * answers {@code Connection: close}), as DynamoDB does not: the client under measurement keeps its connections, as it
 * would in production, and this proxy opens one to the engine per request. Without it, a benchmark on moto measures a
 * TCP connection per call, which hides what the HTTP client costs per call. Its threads are named
 * {@value #THREAD_PREFIX}... so a benchmark can tell their CPU apart.
 *
 * <pre>{@code
 * try (KeepAliveProxy proxy = new KeepAliveProxy(aws.endpoint(Service.DYNAMODB))) {
 *     DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(proxy.endpoint())...build();
 * }
 * }</pre>
 */
final class KeepAliveProxy implements AutoCloseable {

    static final String THREAD_PREFIX = "keepalive-proxy";
    /** Bounds a request's or a response's head and body: DynamoDB's are far smaller (400 KB items, 16 MB batch reads). */
    private static final int MAX_BYTES = 32 * 1024 * 1024;

    private final ServerSocket socket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    private final URI target;
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    KeepAliveProxy(URI target) throws IOException {
        this.target = target;
        LoopbackAcceptor.start(socket, THREAD_PREFIX, s -> {
            accepted.incrementAndGet();
            serve(s);
        });
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    /** Connections the client opened to the proxy, and requests it sent over them: far fewer of the first if kept. */
    String connectionsPerRequests() {
        return accepted.get() + " connections for " + requests.get() + " requests";
    }

    /** Each request on the client's connection goes to the engine on a new one; the response comes back kept alive. */
    private void serve(Socket client) {
        try (client; InputStream in = new BufferedInputStream(client.getInputStream());
             OutputStream out = client.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                byte[] body = in.readNBytes(contentLength(head));
                requests.incrementAndGet();
                byte[] response = exchange(head, body);
                out.write(response);
                out.flush();
            }
        } catch (IOException gone) {
            // the client closed its connection
        }
    }

    private byte[] exchange(String head, byte[] body) throws IOException {
        try (Socket engine = new Socket(target.getHost(), target.getPort())) {
            engine.setTcpNoDelay(true);
            OutputStream toEngine = engine.getOutputStream();
            // Asked to close, so the end of the response is the end of the stream whatever the engine's habit.
            StringBuilder closing = new StringBuilder();
            for (String line : head.split("\r\n")) {
                if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    closing.append(line).append("\r\n");
                }
            }
            closing.append("Connection: close\r\n\r\n");
            ByteArrayOutputStream request = new ByteArrayOutputStream(closing.length() + body.length);
            request.write(closing.toString().getBytes(StandardCharsets.ISO_8859_1));
            request.write(body);
            toEngine.write(request.toByteArray());
            toEngine.flush();
            InputStream fromEngine = new BufferedInputStream(engine.getInputStream());
            String responseHead = readHead(fromEngine);
            if (responseHead == null) {
                throw new IOException("the engine closed the connection without a response");
            }
            // The engine closes after its response: read to the end, then state the length and drop its "close".
            byte[] responseBody = fromEngine.readNBytes(MAX_BYTES);
            StringBuilder kept = new StringBuilder();
            for (String line : responseHead.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (!line.isEmpty() && !lower.startsWith("connection:") && !lower.startsWith("content-length:")) {
                    kept.append(line).append("\r\n");
                }
            }
            kept.append("Content-Length: ").append(responseBody.length).append("\r\n\r\n");
            ByteArrayOutputStream response = new ByteArrayOutputStream(kept.length() + responseBody.length);
            response.write(kept.toString().getBytes(StandardCharsets.ISO_8859_1));
            response.write(responseBody);
            return response.toByteArray();   // one write: a split response meets delayed acknowledgements
        }
    }

    /** The head up to and including the blank line, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() > MAX_BYTES) {
                throw new IOException("head over " + MAX_BYTES + " bytes");
            }
            if (c == '\n' && head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        return null;
    }

    private static int contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:")) {
                throw new IOException("chunked requests are not proxied");
            }
            if (lower.startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

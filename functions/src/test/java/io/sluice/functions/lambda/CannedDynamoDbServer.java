package io.sluice.functions.lambda;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * An HTTP/1.1 server in this JVM that answers every request on a connection with the same DynamoDB response, at once,
 * over keep-alive: what {@link DynamoDbCallCpuBenchmark} calls, so only the client's CPU varies. Its threads are named
 * {@value #THREAD_PREFIX}... so a benchmark can leave their CPU out. It counts the connections it accepted and keeps
 * the last request's {@code User-Agent}, for tests of the client's connection pool and HTTP client.
 */
public final class CannedDynamoDbServer implements AutoCloseable {

    static final String THREAD_PREFIX = "canned-dynamodb";

    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String lastUserAgent = "";

    private final ServerSocket socket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    private final byte[] response;
    private final boolean closeAfterResponse;

    /**
     * @param body  the response's JSON
     * @param crc32 whether to send {@code x-amz-crc32}, as DynamoDB does (the SDK then checks it)
     */
    public CannedDynamoDbServer(String body, boolean crc32) throws IOException {
        this(body, crc32, false);
    }

    /**
     * @param closeAfterResponse answer {@code Connection: close} and close, as moto_server does
     */
    CannedDynamoDbServer(String body, boolean crc32, boolean closeAfterResponse) throws IOException {
        this.closeAfterResponse = closeAfterResponse;
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(b);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
                + (crc32 ? "x-amz-crc32: " + crc.getValue() + "\r\n" : "")
                + (closeAfterResponse ? "Connection: close\r\n" : "")
                + "x-amzn-RequestId: r\r\nContent-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        // One write per response: a response split in two meets the peer's delayed acknowledgement and waits 40 ms.
        response = new byte[h.length + b.length];
        System.arraycopy(h, 0, response, 0, h.length);
        System.arraycopy(b, 0, response, h.length, b.length);
        LoopbackAcceptor.start(socket, THREAD_PREFIX, s -> {
            connections.incrementAndGet();
            serve(s);
        });
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Connections accepted since the start. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** The {@code User-Agent} of the last request read (the SDK names its HTTP client there: {@code md/http#...}). */
    public String lastUserAgent() {
        return lastUserAgent;
    }

    /** Reads each request's headers and Content-Length bytes of body, then writes the canned response. */
    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                StringBuilder headers = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    headers.append((char) c);
                    if (headers.length() >= 4 && headers.lastIndexOf("\r\n\r\n") == headers.length() - 4) {
                        break;
                    }
                }
                if (c < 0) {
                    return;
                }
                int length = 0;
                for (String line : headers.toString().split("\r\n")) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    } else if (lower.startsWith("user-agent:")) {
                        lastUserAgent = line.substring(11).strip();
                    }
                }
                in.readNBytes(length);
                out.write(response);
                out.flush();
                if (closeAfterResponse) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the client closed the connection
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

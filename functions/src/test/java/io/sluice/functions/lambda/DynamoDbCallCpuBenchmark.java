package io.sluice.functions.lambda;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The client-side CPU of one DynamoDB call through the SDK as the Lambda wiring builds it (url-connection-client,
 * SigV4, JSON marshalling, CRC32 of the response, retries and interceptors): the floor under the handler's CPU per
 * batch, whatever Sluice itself does, since a batch of {@code gmv-by-category} makes about 22 such calls. A server in
 * this JVM answers every request at once over keep-alive connections, so only the caller's thread is measured and no
 * engine's or network's variance enters. Not a unit test: run it by name,
 *
 * <pre>
 * mvn -o -q -pl functions -am test -Dtest=DynamoDbCallCpuBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class DynamoDbCallCpuBenchmark {

    private static final int CALLS = Integer.getInteger("sluice.benchmark.calls", 5_000);
    private static final byte[] PUT_RESPONSE = ("{\"ConsumedCapacity\":{\"TableName\":\"s\",\"CapacityUnits\":3.0}}")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void putItem_clientCpuPerCall() throws IOException {
        CannedServer server = new CannedServer(PUT_RESPONSE);
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            // A partial item of gmv-by-category's size (a bucket of ~60 keys' accumulators, ~2 KB).
            byte[] body = new byte[2_000];
            new Random(1).nextBytes(body);
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS("gmv-by-category#w#1605052800000#60000#3"));
            item.put("sk", AttributeValue.fromS("shardId-000000000001#7"));
            item.put("f", AttributeValue.fromS("0000000049590338271490256608559692538361571095921575989136#000000"));
            item.put("e", AttributeValue.fromB(SdkBytes.fromByteArray(body)));
            item.put("ttl", AttributeValue.fromN("1700000000"));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            StringBuilder out = new StringBuilder("DynamoDB PutItem (2 KB item, conditional), client CPU per call:\n");
            String jfrPath = System.getProperty("sluice.benchmark.jfr");
            jdk.jfr.Recording jfr = jfrPath == null ? null : new jdk.jfr.Recording();
            for (int round = 0; round < 4; round++) {
                if (round == 2 && jfr != null) {
                    jfr.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(5)).withStackTrace();
                    jfr.start();
                }
                long cpu = threads.getCurrentThreadCpuTime();
                long user = threads.getCurrentThreadUserTime();
                for (int i = 0; i < CALLS; i++) {
                    dynamo.putItem(b -> b.tableName("sluice-state").item(item)
                            .conditionExpression("f = :f").expressionAttributeValues(Map.of(":f", item.get("f")))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                }
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                user = threads.getCurrentThreadUserTime() - user;
                out.append(String.format(Locale.ROOT, "round %d: %,d calls, %.1f us CPU per call (%.1f user, %.1f system)%n",
                        round, CALLS, cpu / 1e3 / CALLS, user / 1e3 / CALLS, (cpu - user) / 1e3 / CALLS));
            }
            if (jfr != null) {
                jfr.stop();
                jfr.dump(java.nio.file.Path.of(jfrPath));
                jfr.close();
            }
            System.out.print(out);
        } finally {
            server.close();
        }
    }

    /**
     * Answers every HTTP/1.1 request on a connection with the same response, written in one piece (a response split
     * in two writes meets the peer's delayed acknowledgement and waits 40 ms).
     */
    private static final class CannedServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress());
        private final byte[] response;

        CannedServer(byte[] body) throws IOException {
            CRC32 crc = new CRC32();
            crc.update(body);
            String head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amz-crc32: " + crc.getValue()
                    + "\r\nx-amzn-RequestId: r\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            response = new byte[h.length + body.length];
            System.arraycopy(h, 0, response, 0, h.length);
            System.arraycopy(body, 0, response, h.length, body.length);
            Thread accept = new Thread(this::accept, "canned-dynamodb");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    s.setTcpNoDelay(true);
                    Thread t = new Thread(() -> serve(s), "canned-dynamodb-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Reads each request's headers and Content-Length bytes of body, then writes the canned response. */
        private void serve(Socket s) {
            try (s; InputStream in = new java.io.BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
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
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                    in.readNBytes(length);
                    out.write(response);
                    out.flush();
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
}

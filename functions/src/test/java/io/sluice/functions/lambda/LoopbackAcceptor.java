package io.sluice.functions.lambda;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** The accept loop of the benchmarks' loopback servers ({@link CannedDynamoDbServer}, {@link KeepAliveProxy}). */
final class LoopbackAcceptor {

    private LoopbackAcceptor() {
    }

    /**
     * Accepts connections on {@code socket} until it is closed, on a daemon thread named {@code threadPrefix}, and
     * serves each on a daemon thread of its own, {@code threadPrefix-conn} (benchmarks leave their CPU out by name).
     */
    static void start(ServerSocket socket, String threadPrefix, Consumer<Socket> serve) {
        Thread accept = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    s.setTcpNoDelay(true);
                    Thread t = new Thread(() -> serve.accept(s), threadPrefix + "-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, threadPrefix);
        accept.setDaemon(true);
        accept.start();
    }
}

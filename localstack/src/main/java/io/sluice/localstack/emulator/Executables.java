package io.sluice.localstack.emulator;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Small host look-ups: executables on the PATH and free loopback ports. */
final class Executables {
    private Executables() {
    }

    /** @return the executable named {@code name} on the PATH, if any */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        for (String dir : path.split(File.pathSeparator)) {
            for (String candidate : windows ? new String[] {name + ".exe", name + ".cmd", name} : new String[] {name}) {
                Path p = Path.of(dir, candidate);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Ports that are free now, all different, chosen below Linux's default ephemeral range (32768 and up).
     * A port the system hands out for {@code bind(0)} can be handed out again, between our check and the
     * emulator's start, as the local port of one of the many connections a test makes; a port outside that
     * range cannot. Every socket is held open until all are chosen, so no port is chosen twice. Another
     * process can still bind one first; {@link ManagedProcess#awaitHttp} reports that as
     * {@link PortTakenException} and the caller starts again on new ports.
     *
     * @param count how many ports
     * @return {@code count} distinct ports
     */
    static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = bindUnprivileged();
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket that accepted nothing
                }
            }
        }
    }

    /** Binds the wildcard address, as the emulators do, on a random port in [20000, 32768), else any port. */
    private static ServerSocket bindUnprivileged() {
        for (int tries = 0; tries < 50; tries++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_768);
            try {
                return new ServerSocket(port);
            } catch (IOException taken) {
                // try another
            }
        }
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

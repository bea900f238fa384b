package io.sluice.localstack.emulator;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
     * A port that is free on the loopback interface now. Another process could take it before the
     * emulator binds it; the health check then fails with the emulator's log, which says so.
     */
    static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

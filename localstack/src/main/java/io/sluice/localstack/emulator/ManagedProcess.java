package io.sluice.localstack.emulator;

import io.sluice.localstack.LocalAwsException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One emulator process: started with its output in a log file, polled until its port answers HTTP,
 * stopped with its whole process tree (a launcher such as a pyenv shim or {@code npx} may fork the
 * real server).
 */
final class ManagedProcess {
    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    static ManagedProcess start(String name, List<String> command, Path workDir, Map<String, String> env, Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            pb.environment().putAll(env);
            return new ManagedProcess(name, pb.start(), logFile);
        } catch (IOException e) {
            throw new LocalAwsException("Could not start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /**
     * Polls {@code endpoint} until any HTTP answer arrives (a 4xx from an unsigned request is a healthy
     * server), the process exits, or {@code timeout} passes.
     *
     * @throws PortTakenException when the log says the port was taken by another process
     * @throws LocalAwsException naming the process, with the tail of its log
     */
    void awaitHttp(URI endpoint, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int polls = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new LocalAwsException(name + " exited with code " + process.exitValue()
                        + " before answering on " + endpoint + ". Log " + logFile + ":\n" + logTail(20));
            }
            if (answers(endpoint)) {
                return;
            }
            if (++polls % 10 == 0 && logSaysPortTaken()) {
                throw new PortTakenException(name + " could not bind its port (" + endpoint + "): another process took it"
                        + ". Log " + logFile + ":\n" + logTail(20));
            }
            sleep(50);
        }
        throw new LocalAwsException(name + " did not answer on " + endpoint + " within " + timeout.toSeconds()
                + " s. Log " + logFile + ":\n" + logTail(20));
    }

    /** Node says EADDRINUSE, Python and the JVM "Address already in use". */
    private boolean logSaysPortTaken() {
        String tail = logTail(50);
        return tail.contains("EADDRINUSE") || tail.contains("Address already in use");
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(1000);
            int code = c.getResponseCode();
            c.disconnect();
            return code > 0;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    void stop() {
        killTree(process.toHandle());
    }

    /**
     * Terminates a process and all its descendants: politely first, forcibly after two seconds.
     *
     * @param root the process whose tree to end
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                h.destroyForcibly();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalAwsException("Interrupted while waiting for an emulator", e);
        }
    }
}

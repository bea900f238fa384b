package io.sluice.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.localstack.emulator.EmulatorAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Emulators started detached by {@code sluice local up}, recorded in {@code <dir>/state.json} (pids,
 * endpoints, log directory) so that {@code status} and {@code down}, run from later JVMs, find them.
 *
 * <pre>{@code
 * Path dir = LocalAwsState.DEFAULT_DIR;                      // .sluice/local under the working directory
 * LocalAwsState state = LocalAwsState.up(dir);               // start detached + write state.json
 * System.out.print(state.attach().describe());               // endpoints + export AWS_... block
 * LocalAwsState.load(dir).ifPresent(s -> System.out.println(s.status()));
 * LocalAwsState.load(dir).ifPresent(LocalAwsState::down);    // kill process trees, delete state.json
 * }</pre>
 *
 * <p>With Docker, run {@code docker compose -f localstack/docker-compose.yml up -d} instead and
 * {@link LocalAws#attach(URI, Map)} to {@code http://localhost:4566}: a Testcontainers container would
 * be reaped when the JVM that started it exits.
 */
public final class LocalAwsState {
    /** Default state directory, relative to the working directory (the repository root for {@code ./sluice}). */
    public static final Path DEFAULT_DIR = Path.of(".sluice", "local");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Serialized form of {@code state.json}; public for Jackson. */
    public static final class Data {
        public String kind;
        public String region;
        public Map<String, String> endpoints = new LinkedHashMap<>();
        public Map<String, Long> pids = new LinkedHashMap<>();
        public String logDir;
        public String startedAt;
    }

    private final Path dir;
    private final Data data;

    private LocalAwsState(Path dir, Data data) {
        this.dir = dir;
        this.data = data;
    }

    /**
     * Starts emulators detached (logs in {@code <dir>/logs}) and records them; if live emulators are
     * already recorded there, returns those instead.
     *
     * @param dir state directory, e.g. {@link #DEFAULT_DIR}
     * @return the recorded state
     */
    public static LocalAwsState up(Path dir) {
        Optional<LocalAwsState> existing = load(dir);
        if (existing.isPresent() && existing.get().alive()) {
            return existing.get();
        }
        existing.ifPresent(LocalAwsState::down);
        EmulatorAws aws = EmulatorAws.create(dir.resolve("logs").toAbsolutePath(), true).start();
        Data d = new Data();
        d.kind = aws.kind();
        d.region = aws.region().id();
        for (Service s : Service.values()) {
            d.endpoints.put(s.id(), aws.endpoint(s).toString());
        }
        d.pids.putAll(aws.pids());
        d.logDir = aws.logDir().toString();
        d.startedAt = Instant.now().toString();
        LocalAwsState state = new LocalAwsState(dir, d);
        state.save();
        return state;
    }

    /**
     * @param dir state directory
     * @return the recorded state, if a {@code state.json} exists
     */
    public static Optional<LocalAwsState> load(Path dir) {
        Path file = dir.resolve("state.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LocalAwsState(dir, JSON.readValue(file.toFile(), Data.class)));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable " + file, e);
        }
    }

    private void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), data);
            Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return true if every recorded process is alive */
    public boolean alive() {
        return !data.pids.isEmpty() && data.pids.values().stream()
                .allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** @return a {@link LocalAws} over the recorded endpoints; closing it leaves the processes running */
    public LocalAws attach() {
        Map<Service, URI> endpoints = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            endpoints.put(s, URI.create(data.endpoints.get(s.id())));
        }
        return LocalAws.attach(null, endpoints);
    }

    /** @return one line per process ({@code running}/{@code dead}), then the endpoints */
    public String status() {
        StringBuilder sb = new StringBuilder();
        data.pids.forEach((name, pid) -> sb.append(String.format("  %-13s pid %-8d %s%n", name, pid,
                ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? "running" : "dead")));
        data.endpoints.forEach((s, uri) -> sb.append(String.format("  %-13s %s%n", s, uri)));
        sb.append("  logs          ").append(data.logDir).append('\n');
        return (alive() ? "Local AWS is up (" : "Local AWS is DOWN or partly down (") + data.kind
                + ", started " + data.startedAt + ")\n" + sb;
    }

    /** Kills every recorded process tree and deletes {@code state.json}. */
    public void down() {
        data.pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(LocalAwsState::killTree));
        try {
            Files.deleteIfExists(dir.resolve("state.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void killTree(ProcessHandle root) {
        root.descendants().forEach(ProcessHandle::destroy);
        root.destroy();
        root.onExit().orTimeout(3, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(t -> {
                    root.descendants().forEach(ProcessHandle::destroyForcibly);
                    root.destroyForcibly();
                    return root;
                }).join();
    }

    /** @return the raw recorded data (pids, endpoints, log directory) */
    public Data data() {
        return data;
    }
}

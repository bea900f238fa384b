package io.sluice.localstack.emulator;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsException;
import io.sluice.localstack.Service;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local AWS without Docker: kinesis-mock (npm {@code kinesis-local}; or kinesalite, see
 * {@link KinesisEngine}) serves Kinesis, one
 * {@code moto_server} serves DynamoDB, S3 and SQS. Both run as plain processes on free loopback ports,
 * log to files, and are stopped with their process trees on {@link #close()} and, unless detached, on
 * JVM shutdown (Ctrl-C, end of a test JVM).
 *
 * <pre>{@code
 * try (EmulatorAws aws = EmulatorAws.create().start()) {
 *     aws.kinesis().listStreams();
 * }
 * }</pre>
 *
 * <p>Two fixes are loaded into moto_server at start-up ({@code emulator/moto/sitecustomize.py}): each DynamoDB request
 * is atomic to the others (as shipped, a cancelled {@code TransactWriteItems} puts back a copy of the tables it
 * touched, undoing writes other requests made meanwhile: acknowledged writes lost, which made firing claims flaky in
 * chaos tests); and a table {@code Query} is narrowed to the queried partition (as shipped it sorts the whole table for
 * every page, so a query's cost grew with the table and state runs of millions of items timed out where DynamoDB
 * would not).
 *
 * <p>moto's own Kinesis is not used: it never ends reading a closed shard, which breaks resharding.
 * kinesis-mock serves a few thousand records/s on an empty stream, slowing as it fills (it keeps every
 * record in memory), so keep local volumes to thousands of records in tests.
 */
public final class EmulatorAws implements LocalAws {
    private static final System.Logger LOG = System.getLogger(EmulatorAws.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Starts on fresh ports after another process took a chosen one; a third collision is no accident. */
    private static final int PORT_ATTEMPTS = 3;
    private static final String MOTO_SITECUSTOMIZE = "sitecustomize.py";

    private final Path logDir;
    private final boolean detached;
    private final KinesisEngine engine;
    private final Map<String, Duration> startupTimes = new LinkedHashMap<>();
    private final Map<Service, URI> endpoints = new LinkedHashMap<>();
    private final List<ManagedProcess> processes = new ArrayList<>();
    private Thread shutdownHook;

    private EmulatorAws(Path logDir, boolean detached, KinesisEngine engine) {
        this.logDir = logDir;
        this.detached = detached;
        this.engine = engine;
    }

    /**
     * Emulators logging to a new directory under {@code target/sluice-local} when run from a Maven module, else a temporary
     * directory; stopped on JVM exit. Kinesis engine from {@link KinesisEngine#fromEnvironment()}.
     *
     * @return an unstarted instance
     */
    public static EmulatorAws create() {
        return new EmulatorAws(defaultLogDir(), false, KinesisEngine.fromEnvironment());
    }

    /**
     * @param logDir where {@code kinesis-mock.log} (or {@code kinesalite.log}) and {@code moto.log} go
     * @param detached true to leave the processes running when this JVM exits (for {@code sluice local
     *     up}); they are found again through {@link io.sluice.localstack.LocalAwsState}
     * @return an unstarted instance
     */
    public static EmulatorAws create(Path logDir, boolean detached) {
        return new EmulatorAws(logDir, detached, KinesisEngine.fromEnvironment());
    }

    /**
     * @param logDir where the emulators' log files go
     * @param detached true to leave the processes running when this JVM exits
     * @param engine the Kinesis emulator
     * @return an unstarted instance
     */
    public static EmulatorAws create(Path logDir, boolean detached, KinesisEngine engine) {
        return new EmulatorAws(logDir, detached, engine);
    }

    /**
     * @param engine the Kinesis emulator
     * @return an unstarted instance logging like {@link #create()}
     */
    public static EmulatorAws create(KinesisEngine engine) {
        return new EmulatorAws(defaultLogDir(), false, engine);
    }

    private static Path defaultLogDir() {
        try {
            if (Files.isDirectory(Path.of("target"))) {
                // One directory per instance, so two instances in one build don't overwrite each other's logs.
                return Files.createTempDirectory(Files.createDirectories(Path.of("target", "sluice-local")), "emulators-");
            }
            return Files.createTempDirectory("sluice-local-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized EmulatorAws start() {
        if (!processes.isEmpty()) {
            return this;
        }
        long t0 = System.nanoTime();
        Path moto = Executables.onPath("moto_server").orElseThrow(() -> new LocalAwsException(
                "moto_server not found on PATH: pip install \"moto[server]\" or use Docker (SLUICE_LOCAL_AWS=localstack)"));
        Path node = Executables.onPath("node").orElseThrow(() -> new LocalAwsException(
                "node not found on PATH: install Node.js 18+ for kinesis-mock or use Docker (SLUICE_LOCAL_AWS=localstack)"));
        long tInstall = System.nanoTime();
        Path kinesisDir = KinesisMockInstaller.ensureInstalled(engine);
        startupTimes.put("npm install check", Duration.ofNanos(System.nanoTime() - tInstall));
        if (!detached) {
            shutdownHook = new Thread(this::stopProcesses, "sluice-emulators-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    startProcesses(moto, node, kinesisDir);
                    break;
                } catch (PortTakenException e) {
                    stopProcesses();
                    if (attempt == PORT_ATTEMPTS) {
                        throw e;
                    }
                    LOG.log(Level.INFO, e.getMessage().lines().findFirst().orElse("") + "; starting again on other ports");
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        startupTimes.put("total", Duration.ofNanos(System.nanoTime() - t0));
        LOG.log(Level.INFO, "Emulators started in " + startupTimes.get("total").toMillis() + " ms " + times()
                + "; logs in " + logDir);
        return this;
    }

    /** Starts both emulators in parallel on free ports and waits until each answers. */
    private void startProcesses(Path moto, Path node, Path kinesisDir) {
        int[] ports = Executables.freeLoopbackPorts(3);
        int kinesisPort = ports[0];
        int motoPort = ports[2];
        long tStart = System.nanoTime();
        // kinesis-mock reads server.json from its working directory: start it in its package directory.
        ManagedProcess kinesis = ManagedProcess.start(engine.id(), engine.command(node, kinesisDir, kinesisPort),
                kinesisDir, engine.environment(kinesisPort, ports[1], REGION.id()),
                logDir.resolve(engine.id() + ".log"));
        processes.add(kinesis);
        ManagedProcess motoProcess = ManagedProcess.start("moto_server",
                List.of(moto.toString(), "-H", "127.0.0.1", "-p", Integer.toString(motoPort)), logDir,
                Map.of("PYTHONPATH", motoPythonPath()), logDir.resolve("moto.log"));
        processes.add(motoProcess);
        URI kinesisUri = URI.create("http://127.0.0.1:" + kinesisPort);
        URI motoUri = URI.create("http://127.0.0.1:" + motoPort);
        kinesis.awaitHttp(kinesisUri, START_TIMEOUT);
        startupTimes.put(engine.id(), Duration.ofNanos(System.nanoTime() - tStart));
        motoProcess.awaitHttp(motoUri.resolve("/moto-api/"), START_TIMEOUT);
        startupTimes.put("moto_server", Duration.ofNanos(System.nanoTime() - tStart));
        endpoints.put(Service.KINESIS, kinesisUri);
        for (Service s : List.of(Service.DYNAMODB, Service.S3, Service.SQS)) {
            endpoints.put(s, motoUri);
        }
    }

    /**
     * The directory of {@code sitecustomize.py}, which makes moto's table {@code Query} read the queried partition
     * only, as DynamoDB does (see the file: same results, at the partition's cost instead of the table's), ahead of
     * any {@code PYTHONPATH} already set.
     */
    private String motoPythonPath() {
        Path dir = logDir.resolve("moto-python").toAbsolutePath();  // the process runs in logDir
        try (var in = EmulatorAws.class.getResourceAsStream("moto/" + MOTO_SITECUSTOMIZE)) {
            if (in == null) {
                throw new LocalAwsException("moto/" + MOTO_SITECUSTOMIZE + " is missing from the classpath");
            }
            Files.createDirectories(dir);
            Files.copy(in, dir.resolve(MOTO_SITECUSTOMIZE), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String inherited = System.getenv("PYTHONPATH");
        return inherited == null || inherited.isBlank() ? dir.toString() : dir + File.pathSeparator + inherited;
    }

    private String times() {
        StringBuilder sb = new StringBuilder("(");
        startupTimes.forEach((k, v) -> {
            if (!k.equals("total")) {
                sb.append(sb.length() > 1 ? ", " : "").append(k).append(' ').append(v.toMillis()).append(" ms");
            }
        });
        return sb.append(')').toString();
    }

    @Override
    public synchronized void close() {
        stopProcesses();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run
            }
            shutdownHook = null;
        }
        endpoints.clear();
    }

    private synchronized void stopProcesses() {
        for (ManagedProcess p : processes) {
            p.stop();
        }
        processes.clear();
    }

    @Override
    public String kind() {
        return "emulators";
    }

    /** @return the Kinesis emulator this instance runs */
    public KinesisEngine kinesisEngine() {
        return engine;
    }

    @Override
    public synchronized URI endpoint(Service service) {
        URI uri = endpoints.get(service);
        if (uri == null) {
            throw new IllegalStateException("Emulators not started");
        }
        return uri;
    }

    @Override
    public synchronized Map<String, Duration> startupTimes() {
        return Map.copyOf(startupTimes);
    }

    /** @return process ids by emulator name ({@code kinesis-mock} or {@code kinesalite}, {@code moto_server}) */
    public synchronized Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (processes.size() == 2) {
            pids.put(engine.id(), processes.get(0).pid());
            pids.put("moto_server", processes.get(1).pid());
        }
        return pids;
    }

    /** @return the directory holding the emulators' log files */
    public Path logDir() {
        return logDir;
    }
}

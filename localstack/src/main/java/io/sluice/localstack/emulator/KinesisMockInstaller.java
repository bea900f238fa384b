package io.sluice.localstack.emulator;

import io.sluice.localstack.LocalAwsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the npm Kinesis emulators (kinesis-mock as npm {@code kinesis-local}, and kinesalite), pinned
 * by the {@code package.json} and {@code package-lock.json} shipped as resources of this class, with
 * {@code npm ci --ignore-scripts} on first use.
 *
 * <p>The install goes to a user cache directory keyed by the lock file's hash, so it is shared by the
 * repository root, every module directory and the CLI, and a new lock installs beside the old one:
 * {@code $SLUICE_CACHE_DIR}, else {@code -Dsluice.cache.dir}, else {@code $XDG_CACHE_HOME/sluice}, else
 * {@code ~/.cache/sluice}. A file lock serialises concurrent first runs (parallel test JVMs).
 */
public final class KinesisMockInstaller {
    private static final String RESOURCE_DIR = "/io/sluice/localstack/emulator/";

    private KinesisMockInstaller() {
    }

    /** @return the cache root, see the class comment */
    public static Path cacheRoot() {
        String env = System.getenv("SLUICE_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String prop = System.getProperty("sluice.cache.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sluice");
    }

    /**
     * Installs if needed and returns the directory of kinesis-mock (which holds {@code main.js} and the
     * {@code server.json} kinesis-mock reads from its working directory).
     *
     * @return the installed package directory
     * @throws LocalAwsException if npm is missing or {@code npm ci} fails (with its output)
     */
    public static Path ensureInstalled() {
        return ensureInstalled(KinesisEngine.KINESIS_MOCK);
    }

    /**
     * @param engine which emulator
     * @return its installed package directory (installing all pinned emulators if needed)
     */
    public static Path ensureInstalled(KinesisEngine engine) {
        byte[] packageJson = resource("package.json");
        byte[] lock = resource("package-lock.json");
        Path dir = cacheRoot().resolve("npm").resolve("kinesis-emulators-" + sha256(lock).substring(0, 12));
        Path packageDir = dir.resolve("node_modules").resolve(engine.npmPackage());
        Path marker = dir.resolve(".installed");
        if (Files.exists(marker) && Files.isDirectory(packageDir)) {
            return packageDir;
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.exists(marker) && Files.isDirectory(packageDir)) {
                    return packageDir; // another JVM installed it while we waited
                }
                Files.write(dir.resolve("package.json"), packageJson);
                Files.write(dir.resolve("package-lock.json"), lock);
                npmCi(dir);
                Files.writeString(marker, "ok\n");
            }
        } catch (IOException e) {
            throw new LocalAwsException("Could not install kinesis-mock into " + dir + ": " + e.getMessage(), e);
        }
        return packageDir;
    }

    private static void npmCi(Path dir) throws IOException {
        String npm = System.getProperty("os.name").startsWith("Windows") ? "npm.cmd" : "npm";
        if (Executables.onPath(npm).isEmpty()) {
            throw new LocalAwsException("npm not found on PATH: install Node.js 18+ (the Kinesis emulators run on it) or use Docker (SLUICE_LOCAL_AWS=localstack)");
        }
        Path log = dir.resolve("npm-ci.log");
        Process p = new ProcessBuilder(List.of(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new LocalAwsException("npm ci failed in " + dir + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalAwsException("Interrupted during npm ci", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = KinesisMockInstaller.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE_DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LocalAwsException("Could not read " + name, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

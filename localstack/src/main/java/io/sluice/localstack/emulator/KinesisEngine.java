package io.sluice.localstack.emulator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kinesis emulator {@link EmulatorAws} runs, both from npm and pinned in the same lock file.
 *
 * <ul>
 *   <li>{@link #KINESIS_MOCK} (default): kinesis-mock, npm {@code kinesis-local}; what LocalStack uses;
 *       UpdateShardCount, ChildShards, CBOR; slow (put cost grows with the records held, see
 *       BENCHMARKS).</li>
 *   <li>{@link #KINESALITE}: kinesalite; several times faster, splits and merges, but no
 *       UpdateShardCount and no ChildShards in GetRecords (the local ESM discovers children with
 *       ListShards, so it works on both).</li>
 * </ul>
 *
 * <p>Chosen with {@code SLUICE_KINESIS_ENGINE=kinesis-mock|kinesalite} or
 * {@link EmulatorAws#create(Path, boolean, KinesisEngine)}.
 */
public enum KinesisEngine {
    /** kinesis-mock (npm {@code kinesis-local}). */
    KINESIS_MOCK("kinesis-mock", "kinesis-local"),
    /** kinesalite (npm {@code kinesalite}). */
    KINESALITE("kinesalite", "kinesalite");

    private final String id;
    private final String npmPackage;

    KinesisEngine(String id, String npmPackage) {
        this.id = id;
        this.npmPackage = npmPackage;
    }

    /** @return the name used in logs, start-up times and state files */
    public String id() {
        return id;
    }

    String npmPackage() {
        return npmPackage;
    }

    /**
     * @return the engine named by {@code SLUICE_KINESIS_ENGINE} (or {@code -Dsluice.kinesis.engine}),
     *     else {@link #KINESIS_MOCK}
     * @throws IllegalArgumentException for an unknown name
     */
    public static KinesisEngine fromEnvironment() {
        String name = System.getenv("SLUICE_KINESIS_ENGINE");
        if (name == null || name.isBlank()) {
            name = System.getProperty("sluice.kinesis.engine", "kinesis-mock");
        }
        for (KinesisEngine e : values()) {
            if (e.id.equals(name.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("Unknown Kinesis engine [" + name + "]: use kinesis-mock or kinesalite");
    }

    List<String> command(Path node, Path packageDir, int port) {
        return switch (this) {
            case KINESIS_MOCK -> List.of(node.toString(), packageDir.resolve("main.js").toString());
            // In memory (no --path, so the native leveldown is never loaded); no artificial delays.
            case KINESALITE -> List.of(node.toString(), packageDir.resolve("cli.js").toString(), "--port",
                    Integer.toString(port), "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0",
                    "--shardLimit", "500");
        };
    }

    Map<String, String> environment(int port, int tlsPort, String region) {
        Map<String, String> env = new LinkedHashMap<>();
        if (this == KINESIS_MOCK) {
            env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
            env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort));
            env.put("AWS_REGION", region);
            env.put("LOG_LEVEL", "WARN");
            env.put("SHARD_LIMIT", "500");
            // Defaults are 500 ms per control-plane call, which only slows local tests down.
            for (String op : List.of("CREATE_STREAM", "DELETE_STREAM", "SPLIT_SHARD", "MERGE_SHARDS",
                    "UPDATE_SHARD_COUNT", "START_STREAM_ENCRYPTION", "STOP_STREAM_ENCRYPTION")) {
                env.put(op + "_DURATION", "100ms");
            }
        }
        return env;
    }
}

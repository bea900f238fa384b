package io.sluice.localstack.esm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checkpoints in one JSON file ({@code {mapping: {shardId: checkpoint}}}), rewritten atomically
 * (temporary file + rename) on every put.
 *
 * <p>Why a file and not a DynamoDB table: checkpoints must outlive the runtime, but also must not depend
 * on the emulators being up or provisioned (a DynamoDB table in moto would vanish with moto and would
 * have to appear in the template, which describes the cloud deployment, where Lambda keeps this state
 * itself). Writes are a few hundred bytes per batch, negligible next to a Kinesis read. One runtime
 * process owns the file; several runtimes in one JVM may share an instance (it is synchronized).
 */
final class FileCheckpointStore implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Map<String, Map<String, String>> data;

    FileCheckpointStore(Path file) {
        this.file = file;
        this.data = read(file);
    }

    private static Map<String, Map<String, String>> read(Path file) {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Map<String, String>>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable checkpoint file " + file, e);
        }
    }

    @Override
    public synchronized Optional<String> get(String mapping, String shardId) {
        return Optional.ofNullable(data.getOrDefault(mapping, Map.of()).get(shardId));
    }

    @Override
    public synchronized void put(String mapping, String shardId, String checkpoint) {
        data.computeIfAbsent(mapping, k -> new TreeMap<>()).put(shardId, checkpoint);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), data);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write checkpoint file " + file, e);
        }
    }

    @Override
    public String toString() {
        return "FileCheckpointStore[" + file + "]";
    }
}

package io.sluice.localstack.esm;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the local event source mapping remembers, per shard, the last sequence number it finished
 * (handler succeeded or records went to the failure destination), or {@link #SHARD_END} once a closed
 * shard is fully processed, so that a restarted runtime resumes after it and parents stay finished.
 *
 * <p>The {@code mapping} key names the function and the stream incarnation (ARN and creation time), so a
 * stream re-created in a fresh emulator does not inherit old positions.
 */
public interface CheckpointStore {
    /** Checkpoint value meaning "the closed shard is fully processed". */
    String SHARD_END = "SHARD_END";

    /**
     * @param mapping key of the mapping
     * @param shardId the shard
     * @return the checkpoint (sequence number or {@link #SHARD_END}), if any
     */
    Optional<String> get(String mapping, String shardId);

    /**
     * Records a checkpoint durably before returning.
     *
     * @param mapping key of the mapping
     * @param shardId the shard
     * @param checkpoint a sequence number or {@link #SHARD_END}
     */
    void put(String mapping, String shardId, String checkpoint);

    /** @return a store that forgets everything when the JVM exits (tests that do not restart) */
    static CheckpointStore inMemory() {
        ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
        return new CheckpointStore() {
            @Override
            public Optional<String> get(String mapping, String shardId) {
                return Optional.ofNullable(map.get(mapping + '\n' + shardId));
            }

            @Override
            public void put(String mapping, String shardId, String checkpoint) {
                map.put(mapping + '\n' + shardId, checkpoint);
            }
        };
    }

    /**
     * @param file JSON file, created on first write, e.g. {@code .sluice/local/checkpoints.json}
     * @return a store persisted to {@code file}
     */
    static CheckpointStore file(Path file) {
        return new FileCheckpointStore(file);
    }
}

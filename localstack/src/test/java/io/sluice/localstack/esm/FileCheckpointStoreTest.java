package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTest {

    @Test
    void shouldKeepCheckpointsAcrossInstances(@TempDir Path dir) {
        Path file = dir.resolve("sub").resolve("checkpoints.json");
        CheckpointStore first = CheckpointStore.file(file);
        first.put("fn|arn|1", "shardId-000000000000", "4968");
        first.put("fn|arn|1", "shardId-000000000001", CheckpointStore.SHARD_END);

        CheckpointStore reopened = CheckpointStore.file(file);

        assertThat(reopened.get("fn|arn|1", "shardId-000000000000")).contains("4968");
        assertThat(reopened.get("fn|arn|1", "shardId-000000000001")).contains(CheckpointStore.SHARD_END);
        assertThat(reopened.get("fn|arn|2", "shardId-000000000000")).isEmpty();
    }
}

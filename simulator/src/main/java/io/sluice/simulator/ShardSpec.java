package io.sluice.simulator;

import java.util.List;

/**
 * One shard of a simulated stream: its lineage and the records it holds, in order.
 *
 * @param id         {@code shardId-000000000003}
 * @param parents    parent, and adjacent parent of a merge; empty for an original shard
 * @param records    ids of the records it holds, in sequence order
 * @param revealedBy index of the reshard that creates it; -1 for an original shard
 */
public record ShardSpec(String id, List<String> parents, List<Integer> records, int revealedBy) {

    public ShardSpec {
        parents = List.copyOf(parents);
        records = List.copyOf(records);
    }

    ShardSpec withRecords(List<Integer> kept) {
        return new ShardSpec(id, parents, kept, revealedBy);
    }
}

package io.sluice.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Everything one simulated run does, generated from its seed alone ({@link HistoryGenerator}) and replayed by
 * {@link HistoryRunner}: the pipeline, the records, the shards that hold them (with their lineage) and the schedule.
 * Shrinking makes smaller histories by dropping actions, faults and records.
 *
 * @param seed    the seed it was generated from
 * @param variant the pipeline
 * @param records every record, by id
 * @param shards  in creation order (parents before children)
 * @param actions the schedule
 * @param drawn   the fault classes drawn
 */
public record History(long seed, SimPipelines.Variant variant, Map<Integer, SimRecord> records,
                      List<ShardSpec> shards, List<Action> actions, Set<FaultClass> drawn) {

    public History {
        records = new TreeMap<>(records);
        shards = List.copyOf(shards);
        actions = List.copyOf(actions);
        drawn = Set.copyOf(drawn);
    }

    History withActions(List<Action> kept) {
        return new History(seed, variant, records, shards, kept, drawn);
    }

    /** Keeps only {@code kept} record ids, in shards and records. */
    History withRecords(Set<Integer> kept) {
        Map<Integer, SimRecord> r = new TreeMap<>();
        records.forEach((id, rec) -> {
            if (kept.contains(id)) {
                r.put(id, rec);
            }
        });
        List<ShardSpec> s = new ArrayList<>();
        for (ShardSpec shard : shards) {
            s.add(shard.withRecords(shard.records().stream().filter(kept::contains).toList()));
        }
        return new History(seed, variant, r, s, actions, drawn);
    }

    /**
     * The key-bucket count of a redeployed instance ({@link FaultClass#REDEPLOY}): one of 1, 2, 3, 5, 16 other than
     * the pipeline's own, drawn from the seed; the pipeline's own count when not drawn.
     */
    int redeployedKeyBuckets() {
        int declared = variant.definition().keyBuckets();
        if (!drawn.contains(FaultClass.REDEPLOY)) {
            return declared;
        }
        int[] counts = IntStream.of(1, 2, 3, 5, 16).filter(c -> c != declared).toArray();
        SplittableRandom r = new SplittableRandom(seed ^ HistoryGenerator.REDEPLOY_STREAM);
        r.nextInt(100);   // the draw of the class itself (HistoryGenerator)
        return counts[r.nextInt(counts.length)];
    }

    /** Number of reshard events. */
    int reshards() {
        int max = -1;
        for (ShardSpec s : shards) {
            max = Math.max(max, s.revealedBy());
        }
        return max + 1;
    }

    /** The whole history, compactly: pipeline, shards with lineage and records, then the schedule. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("history seed=").append(seed).append(" pipeline=").append(variant.pipelineName())
                .append(" records=").append(records.size()).append(" actions=").append(actions.size())
                .append(" drawn=").append(drawnNames());
        if (drawn.contains(FaultClass.REDEPLOY)) {
            b.append(" keyBuckets=").append(variant.definition().keyBuckets()).append('/').append(redeployedKeyBuckets());
        }
        b.append('\n');
        for (int i = 0; i < shards.size(); i++) {
            ShardSpec s = shards.get(i);
            b.append("  s").append(i).append('=').append(s.id());
            if (!s.parents().isEmpty()) {
                b.append(" parents=").append(s.parents()).append(" by reshard(").append(s.revealedBy()).append(')');
            }
            b.append(" records=[");
            for (int j = 0; j < s.records().size(); j++) {
                b.append(j == 0 ? "" : " ").append(records.get(s.records().get(j)).compact());
            }
            b.append("]\n");
        }
        b.append("  schedule:");
        for (int i = 0; i < actions.size(); i++) {
            b.append(i % 8 == 0 ? "\n    " : " ").append(actions.get(i).compact());
        }
        return b.append('\n').toString();
    }

    /** The drawn classes' command-line names in declaration order. */
    public String drawnNames() {
        StringBuilder b = new StringBuilder();
        for (FaultClass c : FaultClass.values()) {
            if (drawn.contains(c)) {
                b.append(b.length() == 0 ? "" : ",").append(c.cliName());
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}

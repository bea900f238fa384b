package io.sluice.orchestrator.scaling;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a shard without a load report in a minute means. Lambda invokes the operator only with records it read, so a
 * silent shard is either quiet (nothing was written to it) or unread: a child whose parent is still being drained
 * (Lambda reads a child only after its parents), or a shard whose consumer is throttled, failing or behind. Taking an
 * unread shard for a quiet one merges busy shards: the children of a split while their parent drains, 1,400
 * records/s onto one 1,000/s shard. So a silent shard is idle only when it is known to be read and quiet:
 * <ol>
 *   <li>reports flow: some shard, open or a closed parent, reported in the minute;</li>
 *   <li>it was open at the previous collection, so it had a whole minute to report;</li>
 *   <li>its consumer was at its tip (iterator age at most {@link TableShardMetrics#AT_TIP}, 10 s) the last time this collector saw
 *       it report; or, never seen, its lineage says it is read: none of its parents reported in the minute (still
 *       being drained) nor was behind at its last report (a drain may be going on).</li>
 * </ol>
 * Every other silent shard is {@link ShardMetrics#unreported unknown}, and the policy never scales in on unknown
 * shards. A consumer that stops dead while at its tip (never behind, never reported again) cannot be told from a
 * quiet shard from reads alone: that would take the writes per shard (CloudWatch's {@code IncomingRecords}).
 *
 * <pre>{@code
 * ReadEvidence evidence = new ReadEvidence();
 * // open shard -> its parents; shard (open or parent) -> iterator age of its report in the minute
 * Set<String> idle = evidence.idle(Map.of("c1", List.of("p"), "c2", List.of("p"), "q", List.of()),
 *                                  Map.of("p", 300_000L, "q", 200L));   // p still drains: c1 and c2 are unknown
 * }</pre>
 */
final class ReadEvidence {
    /** Iterator age up to which a consumer is at its shard's tip: its reads are the shard's writes. */
    private static final long AT_TIP_MILLIS = TableShardMetrics.AT_TIP.toMillis();

    /** Open shards at the previous collection; null until one happened (a cold start knows no history). */
    private Set<String> previouslyOpen;
    /** The iterator age of each shard's last report seen, for open shards and their parents. */
    private final Map<String, Long> lastAgeMillis = new HashMap<>();

    /**
     * Judges the silent open shards of one minute and remembers what the minute showed.
     *
     * @param open each open shard with its parents (the shards it was split or merged from, if still listed)
     * @param reported the iterator age of every shard, open or closed, that reported in the minute
     * @return the silent open shards that are idle; every other silent shard is unknown
     */
    synchronized Set<String> idle(Map<String, List<String>> open, Map<String, Long> reported) {
        Set<String> idle = new HashSet<>();
        if (!reported.isEmpty() && previouslyOpen != null) {
            for (Map.Entry<String, List<String>> s : open.entrySet()) {
                String id = s.getKey();
                if (!reported.containsKey(id) && previouslyOpen.contains(id) && knownRead(id, s.getValue(), reported)) {
                    idle.add(id);
                }
            }
        }
        remember(open, reported);
        return idle;
    }

    private boolean knownRead(String shard, List<String> parents, Map<String, Long> reported) {
        Long last = lastAgeMillis.get(shard);
        if (last != null) {
            return last <= AT_TIP_MILLIS;
        }
        for (String parent : parents) {
            Long parentLast = lastAgeMillis.get(parent);
            if (reported.containsKey(parent) || (parentLast != null && parentLast > AT_TIP_MILLIS)) {
                return false;
            }
        }
        return true;
    }

    private void remember(Map<String, List<String>> open, Map<String, Long> reported) {
        lastAgeMillis.putAll(reported);
        Set<String> relevant = new HashSet<>(open.keySet());
        open.values().forEach(relevant::addAll);
        lastAgeMillis.keySet().retainAll(relevant);
        previouslyOpen = new HashSet<>(open.keySet());
    }
}

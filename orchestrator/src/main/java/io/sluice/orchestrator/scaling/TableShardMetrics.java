package io.sluice.orchestrator.scaling;

import io.sluice.state.coordination.ShardLoadTable;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The deployed scaler's {@link ShardMetricsSource}: the last complete minute of the load the operator handler
 * wrote to the coordination table ({@link ShardLoadTable}), per open shard, as rates.
 *
 * <p>Lambda is not invoked for a shard it does not read, so a shard without a report is either idle or unread. It
 * reads as idle (zero load, mergeable) only when it is known to be read and quiet ({@link ReadEvidence}): reports
 * flow, it was open at the previous collection, and its consumer was at its tip when last seen, or (never seen) no
 * parent of it is still being drained. The closed parents of the open shards are read too, for that. Otherwise, say
 * for the children of a split while their parent drains, or a shard whose consumer was behind, it is
 * {@link ShardMetrics#unreported unreported} and the policy does not scale in on it.
 *
 * <p>Throttled writes never reach the operator, and Kinesis publishes them only to CloudWatch, stream-wide (which
 * the SDK reaches over a protocol no local engine serves, so it cannot be tested here). Without them a saturated
 * shard would read as merely full, and the stream would grow by a third a tick through a spike. So a shard that
 * took at least {@value #SATURATED} of its write limit over the whole minute is taken to have had as much again
 * refused: its demand reads as twice its capacity, the most the policy counts for one shard, and the stream
 * doubles. A steady load just under the limit costs one doubling, undone 15 minutes later at 3/4 utilisation.
 * The rule needs the consumer at the shard's tip (iterator age at most {@link #AT_TIP}): only then are its
 * reads the shard's writes, while a consumer catching up reads faster than anyone can write.
 *
 * <pre>{@code
 * ShardMetricsSource source = new TableShardMetrics(() -> StreamTopology.read(kinesis, stream),
 *         new ShardLoadTable(dynamo, coordinationTable, "gmv-by-category"), stream);
 * StreamMetrics m = source.collect(clock.instant());   // the minute before now's minute
 * }</pre>
 */
public final class TableShardMetrics implements ShardMetricsSource {
    private static final double SECONDS = Duration.ofMinutes(1).toSeconds();
    /** Share of a shard's write limit, averaged over a minute, that only throttled producers can sustain. */
    static final double SATURATED = 0.95;
    /** Iterator age up to which the consumer's reads are the shard's writes: a few batching windows. */
    static final Duration AT_TIP = Duration.ofSeconds(10);

    private final Supplier<StreamTopology> topology;
    private final LoadReader loads;
    private final String stream;
    private final ReadEvidence evidence = new ReadEvidence();

    /** Reads one minute of the given shards' reports ({@link ShardLoadTable#read}). */
    @FunctionalInterface
    interface LoadReader {
        Map<String, ShardLoadTable.MinuteLoad> read(String stream, Collection<String> shardIds, Instant minute);
    }

    /**
     * @param topology reads the stream's status and open shards
     * @param loads the operator's per-minute shard load
     * @param stream the stream's name, as the operator records it
     */
    public TableShardMetrics(Supplier<StreamTopology> topology, ShardLoadTable loads, String stream) {
        this(topology, loads::read, stream);
    }

    TableShardMetrics(Supplier<StreamTopology> topology, LoadReader loads, String stream) {
        this.topology = topology;
        this.loads = loads;
        this.stream = stream;
    }

    @Override
    public synchronized StreamMetrics collect(Instant now) {
        StreamTopology t = topology.get();
        Map<String, List<String>> lineage = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        for (StreamTopology.OpenShard s : t.openShards()) {
            lineage.put(s.shardId(), s.parents());
            ids.add(s.shardId());
        }
        t.openShards().forEach(s -> ids.addAll(s.parents()));
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        Map<String, ShardLoadTable.MinuteLoad> reported = loads.read(stream, ids, minute);
        Map<String, Long> ages = new HashMap<>();
        reported.forEach((id, load) -> ages.put(id, load.iteratorAgeMillis()));
        Set<String> idle = evidence.idle(lineage, ages);
        List<ShardMetrics> shards = new ArrayList<>();
        for (StreamTopology.OpenShard s : t.openShards()) {
            ShardLoadTable.MinuteLoad load = reported.get(s.shardId());
            if (load != null) {
                shards.add(metrics(s, load));
            } else if (idle.contains(s.shardId())) {
                shards.add(ShardMetrics.of(s.shardId(), s.range(), 0, 0));
            } else {
                shards.add(ShardMetrics.unreported(s.shardId(), s.range()));
            }
        }
        return new StreamMetrics(now, t.active(), shards);
    }

    /** The sampled hot keys carry the share of the minute's records they had in their batch. */
    private static ShardMetrics metrics(StreamTopology.OpenShard shard, ShardLoadTable.MinuteLoad load) {
        double recordsPerSecond = load.records() / SECONDS;
        List<KeyLoad> keys = new ArrayList<>();
        if (load.hotKeysOf() > 0) {
            for (Map.Entry<BigInteger, Long> k : load.hotKeys().entrySet()) {
                keys.add(new KeyLoad(k.getKey(), recordsPerSecond * k.getValue() / load.hotKeysOf()));
            }
        }
        return fromReads(shard.shardId(), shard.range(), recordsPerSecond, load.bytes() / SECONDS, load.iteratorAgeMillis())
                .withKeyLoads(keys);
    }

    /**
     * What the policy sees of a shard from its consumer's reads over a minute, the saturation rule applied (the
     * simulator's view of the deployed scaler uses it too).
     *
     * @return the shard's metrics, without key loads
     */
    static ShardMetrics fromReads(String shardId, HashKeyRange range, double recordsPerSecond, double bytesPerSecond,
                                  long iteratorAgeMillis) {
        boolean saturated = iteratorAgeMillis <= AT_TIP.toMillis()
                && (recordsPerSecond >= SATURATED * KinesisLimits.SHARD_IN_RECORDS_PER_SECOND
                || bytesPerSecond >= SATURATED * KinesisLimits.SHARD_IN_BYTES_PER_SECOND);
        return ShardMetrics.of(shardId, range, recordsPerSecond, bytesPerSecond)
                .withThrottledRecordsPerSecond(saturated ? recordsPerSecond : 0)
                .withIteratorAgeMillis(iteratorAgeMillis);
    }
}

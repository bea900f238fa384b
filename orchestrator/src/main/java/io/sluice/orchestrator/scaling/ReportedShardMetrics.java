package io.sluice.orchestrator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A {@link ShardMetricsSource} fed by the operator's {@link ShardLoadReport}s: per open shard, the
 * records and bytes per second over the last {@code window}, the largest iterator age, and the hottest
 * keys. Open shards come from the stream's topology; a shard nobody reported on in the window is
 * {@link ShardMetrics#unreported unreported}, so the policy does not scale in on missing data.
 * Throttles happen at the producers and are not in the reports: they read as 0. Thread-safe.
 *
 * <pre>{@code
 * ReportedShardMetrics source = new ReportedShardMetrics(() -> StreamTopology.read(kinesis, stream), Duration.ofMinutes(1));
 * logLines.forEach(source::acceptEmf);           // or source.report(report) in-process
 * StreamMetrics m = source.collect(clock.instant());
 * }</pre>
 */
public final class ReportedShardMetrics implements ShardMetricsSource {
    private static final int HOT_KEYS = 20;

    private final Supplier<StreamTopology> topology;
    private final Duration window;
    private final ConcurrentLinkedQueue<ShardLoadReport> reports = new ConcurrentLinkedQueue<>();

    /**
     * @param topology reads the stream's status and open shards
     * @param window how far back reports count (CloudWatch's period: one minute)
     */
    public ReportedShardMetrics(Supplier<StreamTopology> topology, Duration window) {
        this.topology = topology;
        this.window = window;
    }

    /** @param report one batch's load */
    public void report(ShardLoadReport report) {
        reports.add(report);
    }

    /**
     * @param line a log line; lines that are not the operator's EMF shard reports are ignored
     * @return whether the line was a report
     */
    public boolean acceptEmf(String line) {
        return ShardLoadReport.parseEmf(line).map(r -> {
            report(r);
            return true;
        }).orElse(false);
    }

    @Override
    public StreamMetrics collect(Instant now) {
        Instant from = now.minus(window);
        reports.removeIf(r -> r.at().isBefore(from));
        Map<String, List<ShardLoadReport>> byShard = new HashMap<>();
        for (ShardLoadReport r : reports) {
            if (!r.at().isAfter(now)) {
                byShard.computeIfAbsent(r.shardId(), k -> new ArrayList<>()).add(r);
            }
        }
        StreamTopology t = topology.get();
        double seconds = Math.max(1, window.toMillis() / 1000.0);
        List<ShardMetrics> shards = new ArrayList<>();
        for (StreamTopology.OpenShard s : t.openShards()) {
            List<ShardLoadReport> rs = byShard.get(s.shardId());
            if (rs == null) {
                shards.add(ShardMetrics.unreported(s.shardId(), s.range()));
                continue;
            }
            long records = 0;
            long bytes = 0;
            long age = 0;
            Map<String, Long> keys = new HashMap<>();
            for (ShardLoadReport r : rs) {
                records += r.records();
                bytes += r.bytes();
                age = Math.max(age, r.iteratorAgeMillis());
                r.hotKeys().forEach((k, v) -> keys.merge(k, v, Long::sum));
            }
            List<KeyLoad> hot = keys.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(HOT_KEYS)
                    .map(e -> KeyLoad.ofPartitionKey(e.getKey(), e.getValue() / seconds)).toList();
            shards.add(ShardMetrics.of(s.shardId(), s.range(), records / seconds, bytes / seconds).withIteratorAgeMillis(age).withKeyLoads(hot));
        }
        return new StreamMetrics(now, t.active(), shards);
    }
}

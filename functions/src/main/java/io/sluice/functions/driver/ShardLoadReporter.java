package io.sluice.functions.driver;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.metrics.EmfMetrics;
import io.sluice.state.coordination.ShardLoadReport;
import io.sluice.state.coordination.ShardLoadTable;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Kinesis operator's shard load reports for the shard scaler: one EMF line per shard and batch, and the same
 * report added to the shard's minute in the load table, written beside the batch's own DynamoDB calls.
 *
 * <pre>{@code
 * ShardLoadReporter loads = new ShardLoadReporter("gmv-by-category", emf, loadTable);
 * Future<?> write = loads.report(shardId, records, now);   // in flight while the batch is applied
 * ShardLoadReporter.awaitAll(List.of(write));             // before the invocation returns
 * }</pre>
 */
final class ShardLoadReporter {

    private static final System.Logger LOG = System.getLogger(ShardLoadReporter.class.getName());
    /** Partition keys per load line: enough for the autoscaler to weigh a split point. */
    private static final int HOT_KEYS = 5;

    private final String pipeline;
    private final EmfMetrics emf;
    private final ShardLoadTable loads;
    /** One daemon thread, gone when idle (a frozen Lambda keeps none busy). */
    private final ThreadPoolExecutor loadWriter = loadWriter();

    /** @param loads where each batch's load goes; null when nothing scales the stream (the EMF line only) */
    ShardLoadReporter(String pipeline, EmfMetrics emf, ShardLoadTable loads) {
        this.pipeline = pipeline;
        this.emf = emf;
        this.loads = loads;
    }

    /**
     * One load line per shard and batch for the autoscaler: size, lag behind the tip, hottest partition keys. Its
     * table write goes out beside the batch's own calls (it depends on none of them), so it costs no round trip of
     * waiting; the caller waits ({@link #awaitAll}) for it before returning.
     *
     * @return the table write in flight, or null when none is made
     */
    Future<?> report(String shard, List<KinesisEvent.KinesisEventRecord> records, long now) {
        long bytes = 0;
        Map<String, long[]> keys = new HashMap<>(records.size() * 2);
        for (KinesisEvent.KinesisEventRecord r : records) {
            if (r.getKinesis() == null) {
                continue;
            }
            bytes += r.getKinesis().getData() == null ? 0 : r.getKinesis().getData().remaining();
            String key = r.getKinesis().getPartitionKey();
            if (key != null) {
                keys.computeIfAbsent(key, k -> new long[1])[0]++;
            }
        }
        KinesisEvent.KinesisEventRecord last = records.get(records.size() - 1);
        var arrival = last.getKinesis() == null ? null : last.getKinesis().getApproximateArrivalTimestamp();
        long age = arrival == null ? 0 : Math.max(0, now - arrival.getTime());
        ShardLoadReport report = new ShardLoadReport(Instant.ofEpochMilli(now), shard, records.size(), bytes, age,
                hottest(keys));
        emf.emitShardLoad(report);
        String stream = KinesisOperator.streamName(last.getEventSourceARN());
        if (loads == null || stream == null) {
            return null;
        }
        return loadWriter.submit(() -> {
            try {
                loads.add(stream, report);
            } catch (RuntimeException e) {
                // Load is advisory: the scaler treats a shard without reports as unknown and never scales in blind.
                LOG.log(Level.WARNING, "Shard load not recorded; the batch goes on. pipeline=[{0}] shard=[{1}] "
                        + "cause=[{2}]", pipeline, shard, e.toString());
            }
        });
    }

    /** Waits for every write, uninterruptibly: a call in flight cannot be recalled. */
    static void awaitAll(List<Future<?>> writes) {
        boolean interrupted = false;
        for (Future<?> write : writes) {
            while (write != null) {
                try {
                    write.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break;   // the task logs its own failure
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The {@link #HOT_KEYS} most frequent keys, most frequent first, ties by key: one pass over the counts (a batch's
     * keys are often all distinct, and sorting a thousand of them per batch cost more than counting them).
     */
    static Map<String, Long> hottest(Map<String, long[]> counts) {
        List<Map.Entry<String, long[]>> top = new ArrayList<>(HOT_KEYS + 1);
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            int at = top.size();
            while (at > 0 && hotter(e, top.get(at - 1))) {
                at--;
            }
            if (at < HOT_KEYS) {
                top.add(at, e);
                if (top.size() > HOT_KEYS) {
                    top.remove(HOT_KEYS);
                }
            }
        }
        Map<String, Long> hot = new LinkedHashMap<>();
        top.forEach(e -> hot.put(e.getKey(), e.getValue()[0]));
        return hot;
    }

    private static boolean hotter(Map.Entry<String, long[]> a, Map.Entry<String, long[]> b) {
        long ca = a.getValue()[0];
        long cb = b.getValue()[0];
        return ca != cb ? ca > cb : a.getKey().compareTo(b.getKey()) < 0;
    }

    private static ThreadPoolExecutor loadWriter() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sluice-dynamodb-shard-load");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}

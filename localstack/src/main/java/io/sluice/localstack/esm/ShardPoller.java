package io.sluice.localstack.esm;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads one shard in order and feeds batches to a {@link BatchProcessor}: one invocation at a time,
 * batches of up to {@code BatchSize} records gathered for up to {@code MaximumBatchingWindow}. A read
 * that returns no next iterator means the shard is closed and fully read: it is checkpointed as
 * {@link CheckpointStore#SHARD_END} and its children may start.
 */
final class ShardPoller implements Runnable {
    private static final System.Logger LOG = System.getLogger(ShardPoller.class.getName());

    private final KinesisClient kinesis;
    private final String streamName;
    private final String shardId;
    private final boolean child;
    private final EventSourceMappingConfig config;
    private final CheckpointStore checkpoints;
    private final String mappingKey;
    private final BatchProcessor processor;
    private final BooleanSupplier running;
    private final EsmCounters counters;
    private final Runnable onShardEnd;

    /** System.nanoTime() at which a read that found the shard empty (nothing buffered) started; 0 if never. */
    private volatile long caughtUpAt;
    private volatile boolean finished;

    ShardPoller(KinesisClient kinesis, String streamName, String shardId, boolean child, EventSourceMappingConfig config,
                CheckpointStore checkpoints, String mappingKey, BatchProcessor processor, BooleanSupplier running,
                EsmCounters counters, Runnable onShardEnd) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.shardId = shardId;
        this.child = child;
        this.config = config;
        this.checkpoints = checkpoints;
        this.mappingKey = mappingKey;
        this.processor = processor;
        this.running = running;
        this.counters = counters;
        this.onShardEnd = onShardEnd;
    }

    long caughtUpAt() {
        return caughtUpAt;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        String iterator = null;
        while (running.getAsBoolean()) {
            try {
                if (iterator == null) {
                    iterator = initialIterator();
                }
                List<Record> batch = new ArrayList<>();
                long windowEnd = Long.MAX_VALUE;
                boolean shardEnded = false;
                while (running.getAsBoolean() && batch.size() < config.batchSize()) {
                    long readStart = System.nanoTime();
                    String it = iterator;
                    int limit = config.batchSize() - batch.size();
                    GetRecordsResponse resp = kinesis.getRecords(b -> b.shardIterator(it).limit(limit));
                    counters.getRecordsCalls.increment();
                    counters.readNanos.add(System.nanoTime() - readStart);
                    iterator = resp.nextShardIterator();
                    if (batch.isEmpty() && !resp.records().isEmpty()) {
                        windowEnd = System.nanoTime() + config.maximumBatchingWindow().toNanos();
                    }
                    batch.addAll(resp.records());
                    if (iterator == null) {
                        shardEnded = true;
                        break;
                    }
                    boolean upToDate = resp.millisBehindLatest() == null || resp.millisBehindLatest() == 0;
                    if (resp.records().isEmpty() && batch.isEmpty() && upToDate) {
                        caughtUpAt = readStart;
                    }
                    if (!batch.isEmpty() && System.nanoTime() >= windowEnd) {
                        break;
                    }
                    // A short page means the shard is (nearly) caught up: wait before reading again
                    // instead of spinning on GetRecords, which would starve the single-threaded
                    // kinesis-mock (and exceed the 5 reads/s per shard Kinesis allows).
                    if (resp.records().size() < limit) {
                        long pause = batch.isEmpty() ? config.pollInterval().toNanos()
                                : Math.min(config.pollInterval().toNanos(), windowEnd - System.nanoTime());
                        Thread.sleep(Math.max(1, pause / 1_000_000));
                    }
                }
                if (!batch.isEmpty()) {
                    processor.process(batch);
                }
                if (shardEnded && running.getAsBoolean()) {
                    checkpoints.put(mappingKey, shardId, CheckpointStore.SHARD_END);
                    finished = true;
                    LOG.log(Level.DEBUG, "Shard finished. shard=[" + shardId + "]");
                    onShardEnd.run();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExpiredIteratorException e) {
                iterator = null; // records read but unprocessed are re-read from the checkpoint
            } catch (ProvisionedThroughputExceededException e) {
                pause(Duration.ofMillis(500));
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                // A read, checkpoint or failure-destination call failed: records after the last
                // checkpoint are read and delivered again (at-least-once, as on Lambda).
                LOG.log(Level.WARNING, "Shard processing failed, resuming from checkpoint. shard=[" + shardId + "]: " + e);
                iterator = null;
                pause(Duration.ofSeconds(1));
            }
        }
    }

    private String initialIterator() {
        Optional<String> checkpoint = checkpoints.get(mappingKey, shardId);
        GetShardIteratorRequest.Builder req = GetShardIteratorRequest.builder().streamName(streamName).shardId(shardId);
        if (checkpoint.isPresent()) {
            req.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(checkpoint.get());
        } else if (child) {
            // Lambda reads a child shard from its beginning, whatever the mapping's starting position.
            req.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        } else {
            switch (config.startingPosition()) {
                case LATEST -> req.shardIteratorType(ShardIteratorType.LATEST);
                case AT_TIMESTAMP -> req.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(config.startingPositionTimestamp());
                default -> req.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            }
        }
        return kinesis.getShardIterator(req.build()).shardIterator();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

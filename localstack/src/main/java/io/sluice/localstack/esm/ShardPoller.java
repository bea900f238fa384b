package io.sluice.localstack.esm;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads one shard in order and feeds batches to a {@link BatchProcessor}: one invocation at a time, batches of up
 * to {@code BatchSize} records and at most 6 MB of invocation JSON, gathered for up to
 * {@code MaximumBatchingWindow}. Records read past a batch's limits are kept for the next batch. A read that returns
 * no next iterator means the shard is closed and fully read: once every record is finished it is checkpointed as
 * {@link CheckpointStore#SHARD_END} and its children may start.
 *
 * <p>A throttled, expired or failed read drops what was gathered and not yet invoked and resumes from the
 * checkpoint (the last finished record), so nothing is lost: the records are read again.
 */
final class ShardPoller implements Runnable {
    private static final System.Logger LOG = System.getLogger(ShardPoller.class.getName());

    private final KinesisClient kinesis;
    private final String streamName;
    private final String shardId;
    private final String streamArn;
    private final String region;
    private final boolean child;
    private final EventSourceMappingConfig config;
    private final CheckpointStore checkpoints;
    private final String mappingKey;
    private final BatchProcessor processor;
    private final BooleanSupplier running;
    private final EsmCounters counters;
    private final Chaos.Schedule chaos;
    private final Runnable onShardEnd;
    private final Consumer<String> resharder;

    /** Read but not yet in a batch (past the batch size or payload cap), in order. */
    private final Deque<Record> carried = new ArrayDeque<>();
    /** First sequence numbers of the last batches finished, newest last (chaos redeliveries go back to one). */
    private final Deque<String> recentBatchStarts = new ArrayDeque<>();
    /** Where to read from on the next new iterator instead of the checkpoint (a chaos redelivery), or null. */
    private String rewindTo;
    /** The first record ever read while no checkpoint existed: where a reset resumes for LATEST / AT_TIMESTAMP. */
    private String firstRead;

    /** System.nanoTime() at which a read that found the shard empty (nothing buffered) started; 0 if never. */
    private volatile long caughtUpAt;
    private volatile boolean finished;

    ShardPoller(KinesisClient kinesis, String streamName, String shardId, String streamArn, String region, boolean child,
                EventSourceMappingConfig config, CheckpointStore checkpoints, String mappingKey, BatchProcessor processor,
                BooleanSupplier running, EsmCounters counters, Chaos.Schedule chaos, Runnable onShardEnd,
                Consumer<String> resharder) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.shardId = shardId;
        this.streamArn = streamArn;
        this.region = region;
        this.child = child;
        this.config = config;
        this.checkpoints = checkpoints;
        this.mappingKey = mappingKey;
        this.processor = processor;
        this.running = running;
        this.counters = counters;
        this.chaos = chaos;
        this.onShardEnd = onShardEnd;
        this.resharder = resharder;
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
        boolean endReached = false;
        while (running.getAsBoolean()) {
            try {
                if (iterator == null && !endReached) {
                    iterator = newIterator();
                }
                List<Record> batch = new ArrayList<>();
                int bytes = KinesisEvents.ENVELOPE_BYTES;
                boolean full = false;
                while (!carried.isEmpty() && !full) {
                    int size = KinesisEvents.jsonBytes(carried.peekFirst(), shardId, streamArn, region);
                    if (batch.size() < config.batchSize() && (batch.isEmpty() || bytes + size <= KinesisEvents.MAX_PAYLOAD_BYTES)) {
                        batch.add(carried.pollFirst());
                        bytes += size;
                    } else {
                        full = true;
                        counters.payloadCappedBatches.add(batch.size() < config.batchSize() ? 1 : 0);
                    }
                }
                long windowEnd = batch.isEmpty() ? Long.MAX_VALUE : System.nanoTime() + config.maximumBatchingWindow().toNanos();
                while (running.getAsBoolean() && !full && !endReached && batch.size() < config.batchSize()) {
                    long readStart = System.nanoTime();
                    String it = iterator;
                    int limit = Math.min(10_000, config.batchSize() - batch.size());
                    if (chaos.throttleRead()) {
                        throw ProvisionedThroughputExceededException.builder()
                                .message("Rate exceeded for shard " + shardId + " (local chaos)").build();
                    }
                    GetRecordsResponse resp = kinesis.getRecords(b -> b.shardIterator(it).limit(limit));
                    counters.getRecordsCalls.increment();
                    counters.readNanos.add(System.nanoTime() - readStart);
                    iterator = resp.nextShardIterator();
                    if (batch.isEmpty() && !resp.records().isEmpty()) {
                        windowEnd = System.nanoTime() + config.maximumBatchingWindow().toNanos();
                    }
                    for (Record r : resp.records()) {
                        if (firstRead == null) {
                            firstRead = r.sequenceNumber();
                        }
                        int size = KinesisEvents.jsonBytes(r, shardId, streamArn, region);
                        if (!full && (batch.isEmpty() || bytes + size <= KinesisEvents.MAX_PAYLOAD_BYTES)) {
                            batch.add(r);
                            bytes += size;
                        } else {
                            if (!full) {
                                counters.payloadCappedBatches.increment();
                            }
                            full = true;
                            carried.addLast(r);
                        }
                    }
                    if (iterator == null) {
                        endReached = true;
                        break;
                    }
                    boolean upToDate = resp.millisBehindLatest() == null || resp.millisBehindLatest() == 0;
                    if (resp.records().isEmpty() && batch.isEmpty() && upToDate) {
                        caughtUpAt = readStart;
                    }
                    if (full || !batch.isEmpty() && System.nanoTime() >= windowEnd) {
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
                    if (!processor.process(batch)) {
                        continue; // stopping
                    }
                    if (!endReached && maybeRedeliver(batch)) {
                        iterator = null;
                        continue;
                    }
                    if (!endReached && chaos.reshard()) {
                        resharder.accept(shardId); // the shard may close: reading on finds its end
                    }
                }
                if (endReached && carried.isEmpty() && running.getAsBoolean()) {
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
                iterator = reset(); // records read but unprocessed are re-read from the checkpoint
                endReached = false;
            } catch (ProvisionedThroughputExceededException e) {
                counters.throttledReads.increment();
                iterator = reset();
                endReached = false;
                pause(config.pollInterval().multipliedBy(2));
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                // A read, checkpoint or failure-destination call failed: records after the last
                // checkpoint are read and delivered again (at-least-once, as on Lambda).
                LOG.log(Level.WARNING, "Shard processing failed, resuming from checkpoint. shard=[" + shardId + "]: " + e);
                iterator = reset();
                endReached = false;
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** Chaos: after a finished batch, read again from the start of it or of one of the two batches before it. */
    private boolean maybeRedeliver(List<Record> batch) {
        recentBatchStarts.addLast(batch.get(0).sequenceNumber());
        while (recentBatchStarts.size() > 3) {
            recentBatchStarts.removeFirst();
        }
        int back = Math.min(chaos.redeliverBatches(), recentBatchStarts.size());
        if (back == 0) {
            return false;
        }
        String[] starts = recentBatchStarts.toArray(new String[0]);
        rewindTo = starts[starts.length - back];
        recentBatchStarts.clear();
        carried.clear();
        counters.redeliveries.increment();
        LOG.log(Level.DEBUG, "Chaos: redelivering checkpointed records. shard=[" + shardId + "] from=[" + rewindTo + "]");
        return true;
    }

    /** Forgets what was read and not invoked; the next read starts from the checkpoint. */
    private String reset() {
        carried.clear();
        return null;
    }

    private String newIterator() {
        GetShardIteratorRequest.Builder req = GetShardIteratorRequest.builder().streamName(streamName).shardId(shardId);
        Optional<String> checkpoint = checkpoints.get(mappingKey, shardId);
        if (rewindTo != null) {
            req.shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(rewindTo);
        } else if (checkpoint.isPresent()) {
            req.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(checkpoint.get());
        } else if (firstRead != null) {
            // Read before, nothing finished yet: from the first record read (LATEST would skip it).
            req.shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(firstRead);
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
        String iterator = kinesis.getShardIterator(req.build()).shardIterator();
        rewindTo = null;
        return iterator;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.sluice.localstack.esm;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Chaos mode's resharding ({@link Chaos#withReshards}): splits a shard at the middle of its hash key range while the
 * stream has fewer open shards than the chaos allows, otherwise merges it with an adjacent open shard. It acts on
 * the stream itself, as the shard scaler would, so the mapping meets the result the way Lambda does: the closed
 * shard is read to its end, then its children. A request the stream refuses (one reshard at a time, or a shard
 * that closed meanwhile) is counted and dropped: chaos asks again after a later batch.
 */
final class ChaosResharder {
    private static final System.Logger LOG = System.getLogger(ChaosResharder.class.getName());

    private final KinesisClient kinesis;
    private final String streamName;
    private final int maxOpenShards;
    private final EsmCounters counters;

    ChaosResharder(KinesisClient kinesis, String streamName, int maxOpenShards, EsmCounters counters) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.maxOpenShards = maxOpenShards;
        this.counters = counters;
    }

    /** Splits or merges {@code shardId}; one request at a time per mapping, as the stream takes them. */
    synchronized void reshard(String shardId) {
        List<Shard> open = openShards();
        Optional<Shard> shard = open.stream().filter(s -> s.shardId().equals(shardId)).findFirst();
        if (shard.isEmpty()) {
            counters.reshardsRefused.increment(); // closed by an earlier reshard: nothing to do here
            return;
        }
        try {
            if (open.size() < maxOpenShards && split(shard.get())) {
                counters.splits.increment();
            } else if (merge(shard.get(), open)) {
                counters.merges.increment();
            } else {
                counters.reshardsRefused.increment();
            }
        } catch (KinesisException e) {
            // the stream is still updating from the last reshard, or the shard closed meanwhile
            counters.reshardsRefused.increment();
            LOG.log(Level.DEBUG, "Chaos: reshard refused. shard=[" + shardId + "]: " + e.getMessage());
        }
    }

    private boolean split(Shard shard) {
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        if (end.subtract(start).compareTo(BigInteger.ONE) < 0) {
            return false;
        }
        BigInteger middle = start.add(end).add(BigInteger.ONE).shiftRight(1);
        kinesis.splitShard(b -> b.streamName(streamName).shardToSplit(shard.shardId())
                .newStartingHashKey(middle.toString()));
        LOG.log(Level.DEBUG, "Chaos: split shard. shard=[" + shard.shardId() + "] at=[" + middle + "]");
        return true;
    }

    private boolean merge(Shard shard, List<Shard> open) {
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        for (Shard other : open) {
            BigInteger otherStart = new BigInteger(other.hashKeyRange().startingHashKey());
            BigInteger otherEnd = new BigInteger(other.hashKeyRange().endingHashKey());
            // MergeShards wants the lower range first and the one right after it as the adjacent shard
            if (otherStart.equals(end.add(BigInteger.ONE))) {
                merge(shard.shardId(), other.shardId());
                return true;
            }
            if (otherEnd.add(BigInteger.ONE).equals(start)) {
                merge(other.shardId(), shard.shardId());
                return true;
            }
        }
        return false;
    }

    private void merge(String lower, String upper) {
        kinesis.mergeShards(b -> b.streamName(streamName).shardToMerge(lower).adjacentShardToMerge(upper));
        LOG.log(Level.DEBUG, "Chaos: merged shards. shards=[" + lower + ", " + upper + "]");
    }

    private List<Shard> openShards() {
        List<Shard> open = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var resp = t == null ? kinesis.listShards(b -> b.streamName(streamName)) : kinesis.listShards(b -> b.nextToken(t));
            resp.shards().stream().filter(s -> s.sequenceNumberRange() == null
                    || s.sequenceNumberRange().endingSequenceNumber() == null).forEach(open::add);
            token = resp.nextToken();
        } while (token != null);
        return open;
    }
}

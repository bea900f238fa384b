package io.sluice.orchestrator.scaling;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads a whole stream the way Lambda does: every shard from TRIM_HORIZON, parents before children. */
final class StreamReader {
    private StreamReader() {
    }

    /** @return shard id to its records' data, in the order shards were read (parents first) */
    static Map<String, List<String>> readAll(KinesisClient kinesis, String stream) {
        List<Shard> shards = StreamTopology.listAllShards(kinesis, stream);
        Set<String> known = new HashSet<>();
        shards.forEach(s -> known.add(s.shardId()));
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Shard> pending = new ArrayList<>(shards);
        while (!pending.isEmpty()) {
            Shard next = pending.stream().filter(s -> done(s.parentShardId(), out, known) && done(s.adjacentParentShardId(), out, known))
                    .findFirst().orElseThrow(() -> new AssertionError("Shard lineage has a cycle or a missing parent: " + pending));
            pending.remove(next);
            out.put(next.shardId(), readShard(kinesis, stream, next));
        }
        return out;
    }

    private static boolean done(String parent, Map<String, List<String>> read, Set<String> known) {
        // A parent past the retention period is no longer listed: nothing to wait for.
        return parent == null || read.containsKey(parent) || !known.contains(parent);
    }

    private static List<String> readShard(KinesisClient kinesis, String stream, Shard shard) {
        List<String> data = new ArrayList<>();
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        boolean open = shard.sequenceNumberRange().endingSequenceNumber() == null;
        while (iterator != null) {
            String it = iterator;
            GetRecordsResponse page;
            try {
                page = kinesis.getRecords(b -> b.shardIterator(it).limit(1_000));
            } catch (ProvisionedThroughputExceededException e) {
                pause();
                continue;
            }
            for (Record r : page.records()) {
                data.add(r.data().asUtf8String());
            }
            iterator = page.nextShardIterator();   // null once a closed shard is read to its end
            if (open && page.records().isEmpty() && page.millisBehindLatest() != null && page.millisBehindLatest() == 0) {
                break;
            }
        }
        return data;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

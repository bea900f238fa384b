package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shards of a Kinesis event's records, by the {@code eventID} the event source mapping gives each record,
 * {@code shardId-000000000006:4959...}: the shard is what precedes the colon.
 *
 * <pre>{@code
 * Map<String, List<KinesisEvent.KinesisEventRecord>> shards = KinesisShards.byShard(event.getRecords());
 * }</pre>
 */
public final class KinesisShards {

    /** The shard of a record whose {@code eventID} is missing or has no shard before a colon. */
    public static final String UNKNOWN = "shardId-unknown";

    private KinesisShards() {
    }

    /**
     * @return the records by shard, shards in order of first appearance, each shard's records in event order
     */
    public static Map<String, List<KinesisEvent.KinesisEventRecord>> byShard(
            List<KinesisEvent.KinesisEventRecord> records) {
        Map<String, List<KinesisEvent.KinesisEventRecord>> shards = new LinkedHashMap<>();
        String last = null;
        List<KinesisEvent.KinesisEventRecord> lastList = null;
        for (KinesisEvent.KinesisEventRecord r : records) {
            String id = r.getEventID();
            // A mapping's batch comes from one shard: most records belong to the shard of the record before.
            if (last != null && id != null && id.length() > last.length() && id.charAt(last.length()) == ':'
                    && id.startsWith(last)) {
                lastList.add(r);
                continue;
            }
            int colon = id == null ? -1 : id.indexOf(':');
            String shard = colon > 0 ? id.substring(0, colon) : UNKNOWN;
            lastList = shards.computeIfAbsent(shard, s -> new ArrayList<>());
            lastList.add(r);
            last = colon > 0 ? shard : null;
        }
        return shards;
    }
}

package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class KinesisShardsTest {

    @Test
    void byShard_groupsByThePrefixBeforeTheColon_inOrderOfFirstAppearance() {
        List<KinesisEvent.KinesisEventRecord> records = records("shardId-1:7", "shardId-1:8", "shardId-10:9",
                "shardId-1:10", null, "no-colon", ":5", "shardId-10:11", "shardId-1");

        Map<String, List<KinesisEvent.KinesisEventRecord>> shards = KinesisShards.byShard(records);

        assertThat(shards.keySet()).containsExactly("shardId-1", "shardId-10", KinesisShards.UNKNOWN);
        assertThat(ids(shards.get("shardId-1"))).containsExactly("shardId-1:7", "shardId-1:8", "shardId-1:10");
        assertThat(ids(shards.get("shardId-10"))).containsExactly("shardId-10:9", "shardId-10:11");
        assertThat(ids(shards.get(KinesisShards.UNKNOWN))).containsExactly(null, "no-colon", ":5", "shardId-1");
    }

    @Test
    void byShard_agreesWithAPlainGrouping_forRandomMixesOfShards() {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            String[] ids = new String[random.nextInt(30)];
            for (int k = 0; k < ids.length; k++) {
                int pick = random.nextInt(12);
                ids[k] = pick == 0 ? null : pick == 1 ? "odd" : "shardId-" + "1".repeat(1 + random.nextInt(3)) + ":" + k;
            }
            List<KinesisEvent.KinesisEventRecord> records = records(ids);

            Map<String, List<String>> expected = new LinkedHashMap<>();
            for (String id : ids) {
                int colon = id == null ? -1 : id.indexOf(':');
                expected.computeIfAbsent(colon > 0 ? id.substring(0, colon) : KinesisShards.UNKNOWN,
                        s -> new ArrayList<>()).add(id);
            }
            Map<String, List<String>> actual = new LinkedHashMap<>();
            KinesisShards.byShard(records).forEach((shard, list) -> actual.put(shard, ids(list)));

            assertThat(actual).as(Arrays.toString(ids)).containsExactlyEntriesOf(expected);
        }
    }

    private static List<KinesisEvent.KinesisEventRecord> records(String... ids) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (String id : ids) {
            KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
            r.setEventID(id);
            records.add(r);
        }
        return records;
    }

    private static List<String> ids(List<KinesisEvent.KinesisEventRecord> records) {
        return records.stream().map(KinesisEvent.KinesisEventRecord::getEventID).toList();
    }
}

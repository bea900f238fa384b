package io.sluice.functions.driver;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The shard load's hot keys: the five most frequent partition keys, most frequent first, ties in key order. */
class ShardLoadReporterTest {

    @Test
    void hottest_isTheFiveMostFrequentKeys_tiesInKeyOrder() {
        Map<String, long[]> counts = new HashMap<>();
        for (String k : new String[]{"e", "a", "d", "c", "b", "f"}) {
            counts.put(k, new long[]{1});
        }
        counts.put("z", new long[]{3});
        counts.put("y", new long[]{3});

        assertThat(ShardLoadReporter.hottest(counts)).containsExactly(Map.entry("y", 3L), Map.entry("z", 3L),
                Map.entry("a", 1L), Map.entry("b", 1L), Map.entry("c", 1L));
    }

    @Test
    void hottest_equalsSortingEveryKey_onRandomCounts() {
        Random random = new Random(15);
        for (int run = 0; run < 500; run++) {
            Map<String, long[]> counts = new HashMap<>();
            for (int i = 0, n = random.nextInt(40); i < n; i++) {
                counts.put("pk-" + random.nextInt(30), new long[]{1 + random.nextInt(4)});
            }
            Map<String, Long> sorted = new LinkedHashMap<>();
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, long[]>comparingByValue((a, b) -> Long.compare(b[0], a[0]))
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(5).forEach(e -> sorted.put(e.getKey(), e.getValue()[0]));

            assertThat(ShardLoadReporter.hottest(counts)).containsExactlyEntriesOf(sorted);
        }
    }
}

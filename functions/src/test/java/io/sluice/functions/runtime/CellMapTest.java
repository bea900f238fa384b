package io.sluice.functions.runtime;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CellMapTest {

    private static Cell cell(String key) {
        return new Cell(key, 0, 60_000, key.length());
    }

    @Test
    void categoryKeys_whoseStringHashesCluster_areFoundInAboutOneProbe() {
        CellMap map = new CellMap();
        for (int i = 0; i < 1_000; i++) {
            map.put("c-" + i, cell("c-" + i));
        }

        assertThat(map.averageProbes()).isLessThan(1.6);
        for (int i = 0; i < 1_000; i++) {
            assertThat(map.get("c-" + i).key).isEqualTo("c-" + i);
        }
    }

    @Test
    void keysOfOnePartialItem_sharingTheirHashModuloTheBuckets_areStillSpread() {
        CellMap map = new CellMap();
        for (int i = 0; map.size() < 200; i++) {
            String key = "c-" + i;
            if (Math.floorMod(key.hashCode(), 16) == 5) {
                map.put(key, cell(key));
            }
        }

        assertThat(map.averageProbes()).isLessThan(1.6);
    }

    @Test
    void randomPutsAndGets_behaveAsAHashMap_includingIterationAndOverwrites() {
        Random random = new Random(18);
        CellMap map = new CellMap(3);
        Map<String, Cell> expected = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String key = "k" + random.nextInt(3_000);
            if (random.nextBoolean()) {
                Cell c = cell(key);
                assertThat(map.put(key, c)).isSameAs(expected.put(key, c));
            } else {
                assertThat(map.get(new String(key))).isSameAs(expected.get(key));
                assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
            }
        }

        assertThat(map).isEqualTo(expected);
        assertThat(map.values()).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(map.size()).isEqualTo(expected.size());
        assertThat(map.get(42)).isNull();
        map.clear();
        assertThat(map).isEmpty();
        assertThat(map.get("k1")).isNull();
    }

    @Test
    void removeAndNulls_areRefused() {
        CellMap map = new CellMap();

        assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.put(null, cell("a"))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> map.put("a", null)).isInstanceOf(NullPointerException.class);
    }
}

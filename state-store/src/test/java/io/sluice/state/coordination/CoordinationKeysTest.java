package io.sluice.state.coordination;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every family of the coordination table's partition keys is disjoint from every other, whatever the names. */
class CoordinationKeysTest {

    /** Names that spell other families' tags and kinds: the collisions a prefix scheme invites. */
    private static final List<String> NAMES = List.of("job", "jobs", "slots", "fired", "fired-slots", "splits",
            "scaler", "load", "open", "history", "gmv-by-category", "gmv-by-category-slots", "shardId-000000000000", "-");

    @Test
    void jobPk_differsFromSlotsPk_whenThePipelineIsNamedJobAndTheJobIdIsSlots() {
        assertThat(CoordinationKeys.jobPk("slots")).isNotEqualTo(CoordinationKeys.slotsPk("job"));
        assertThat(CoordinationKeys.jobPk("open")).isNotEqualTo(CoordinationKeys.OPEN_JOBS_PK);
        assertThat(CoordinationKeys.slotsPk("jobs")).isNotEqualTo(CoordinationKeys.OPEN_JOBS_PK);
    }

    @Test
    void partitionKeys_neverMeet_acrossFamiliesOrNames() {
        Map<String, String> owner = new HashMap<>();
        for (String a : NAMES) {
            put(owner, CoordinationKeys.slotsPk(a), "slots of pipeline " + a);
            put(owner, CoordinationKeys.firedSlotsPk(a), "fired slots of pipeline " + a);
            put(owner, CoordinationKeys.splitsPk(a), "splits of pipeline " + a);
            put(owner, CoordinationKeys.firedPk(a), "fired watermark of pipeline " + a);
            put(owner, CoordinationKeys.jobPk(a), "job " + a);
            put(owner, CoordinationKeys.scalerPk(a), "scaler of stream " + a);
            put(owner, CoordinationKeys.archivePk(a), "archive fences of pipeline " + a);
            for (String b : NAMES) {
                put(owner, CoordinationKeys.loadPk(a, b), "load of stream " + a + " shard " + b);
            }
        }
        put(owner, CoordinationKeys.OPEN_JOBS_PK, "open jobs");
        assertThat(owner).hasSize(NAMES.size() * (7 + NAMES.size()) + 1);
    }

    @Test
    void shardOfLoadPk_readsTheShardBack() {
        assertThat(CoordinationKeys.shardOfLoadPk(CoordinationKeys.loadPk("orders", "shardId-000000000003")))
                .isEqualTo("shardId-000000000003");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a#b", "job:x", "#", ":"})
    void requireName_refusesNamesThatCouldSpellAnotherKey(String name) {
        assertThatThrownBy(() -> CoordinationKeys.slotsPk(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline");
        assertThatThrownBy(() -> CoordinationKeys.jobPk(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job id");
        assertThatThrownBy(() -> CoordinationKeys.loadPk("orders", name)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void put(Map<String, String> owner, String pk, String what) {
        String before = owner.put(pk, what);
        assertThat(before).as("pk [%s] of %s", pk, what).isNull();
    }
}

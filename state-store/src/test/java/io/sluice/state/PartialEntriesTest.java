package io.sluice.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PartialEntries} is the list its groups spell out, whatever the order of appends, replacements, holes and
 * compactions (checked against a plain model), never changes once built, and derives a version in O(changed).
 */
class PartialEntriesTest {

    private static StateEntry entry(String key, long start, int accBytes) {
        return new StateEntry(key, start, start + 60_000, new byte[accBytes]);
    }

    private static StateEntry[] group(String key, int entries, int accBytes) {
        StateEntry[] g = new StateEntry[entries];
        for (int i = 0; i < entries; i++) {
            g[i] = entry(key, i * 60_000L, accBytes);
        }
        return g;
    }

    /** The model: the entries of the groups in order. */
    private static List<StateEntry> flat(List<StateEntry[]> groups) {
        List<StateEntry> all = new ArrayList<>();
        for (StateEntry[] g : groups) {
            if (g != null) {
                all.addAll(List.of(g));
            }
        }
        return all;
    }

    private static void assertSameAsModel(PartialEntries actual, List<StateEntry[]> model) {
        List<StateEntry> expected = flat(model);
        assertThat(actual).isEqualTo(expected);             // by iteration
        assertThat(expected).isEqualTo(actual);             // symmetric, through the model's own equals
        assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.groups()).isEqualTo(model.size());
        assertThat(actual.approximateBytes())
                .isEqualTo(expected.stream().mapToLong(StateEntry::approximateSize).sum());
        assertThat(actual.largestAccumulatorBytes())
                .isEqualTo(expected.stream().mapToInt(e -> e.accumulator().length).max().orElse(0));
        for (int i = 0; i < expected.size(); i += Math.max(1, expected.size() / 50)) {
            assertThat(actual.get(i)).isSameAs(expected.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomAppendsSetsAndHoles_spellOutTheModel_andEarlierVersionsNeverChange(long seed) {
        Random random = new Random(seed);
        List<StateEntry[]> model = new ArrayList<>();
        PartialEntries entries = PartialEntries.EMPTY;
        List<PartialEntries> versions = new ArrayList<>();
        List<List<StateEntry>> versionContents = new ArrayList<>();
        int steps = 400 + random.nextInt(2_000);   // crosses 32, 1,024 and sometimes 32,768 groups' level changes
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(10);
            StateEntry[] g = random.nextInt(20) == 0 ? null
                    : group("k-" + step, 1 + random.nextInt(3), random.nextInt(200));
            if (op < 6 || model.isEmpty()) {
                entries = entries.withGroupAppended(g);
                model.add(g);
            } else if (op < 9) {
                int i = random.nextInt(model.size());
                entries = entries.withGroup(i, g);
                model.set(i, g);
            } else if (random.nextBoolean()) {
                entries = entries.compacted();
                model.removeIf(x -> x == null);
            } else {   // a batch: some groups replaced or removed, some appended, in one pass
                java.util.TreeMap<Integer, StateEntry[]> batch = new java.util.TreeMap<>();
                for (int k = random.nextInt(40); k > 0; k--) {
                    batch.put(random.nextInt(model.size()), random.nextInt(5) == 0 ? null : group("b-" + k, 1, k));
                }
                for (int k = random.nextInt(70); k > 0; k--) {
                    batch.put(model.size() + batch.tailMap(model.size()).size(), group("n-" + step + "-" + k, 2, k));
                }
                int[] indices = batch.keySet().stream().mapToInt(Integer::intValue).toArray();
                entries = entries.withGroups(indices, batch.values().toArray(new StateEntry[0][]));
                for (var e : batch.entrySet()) {
                    if (e.getKey() < model.size()) {
                        model.set(e.getKey(), e.getValue());
                    } else {
                        model.add(e.getValue());
                    }
                }
            }
            if (step % 97 == 0) {
                versions.add(entries);
                versionContents.add(flat(model));
            }
        }
        assertSameAsModel(entries, model);
        assertThat(entries.holes()).isEqualTo((int) model.stream().filter(g -> g == null).count());
        for (int v = 0; v < versions.size(); v++) {
            assertThat(versions.get(v)).as("version %d", v).isEqualTo(versionContents.get(v));
        }
    }

    @Test
    void largeVersions_builtByAppends_equalOnesBuiltBottomUp_acrossTrieLevels() {
        List<StateEntry[]> groups = new ArrayList<>();
        PartialEntries appended = PartialEntries.EMPTY;
        for (int i = 0; i < 40_000; i++) {   // past 32 x 32 x 32 groups: a fourth level
            StateEntry[] g = group("u-" + i, 1 + i % 2, i % 50);
            groups.add(g);
            appended = appended.withGroupAppended(g);
        }
        assertSameAsModel(appended, groups);
        assertThat(PartialEntries.ofGroups(groups)).isEqualTo(appended);
        assertThat(appended.withGroup(39_999, null).size()).isEqualTo(appended.size() - 2);
        assertThat(PartialEntries.EMPTY.withGroups(java.util.stream.IntStream.range(0, groups.size()).toArray(),
                groups.toArray(new StateEntry[0][]))).isEqualTo(appended);
    }

    @Test
    void withGroups_refusesIndicesThatDescendOrLeaveAGap() {
        PartialEntries e = PartialEntries.EMPTY.withGroupAppended(group("a", 1, 1));
        StateEntry[][] two = {group("b", 1, 1), group("c", 1, 1)};
        assertThatThrownBy(() -> e.withGroups(new int[] {1, 0}, two)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.withGroups(new int[] {1, 3}, two)).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.withGroups(new int[] {1, 2}, two).stream().map(StateEntry::key)).containsExactly("a", "b", "c");
    }

    @Test
    void holes_areDropped_byCompaction_keepingTheOrder() {
        PartialEntries e = PartialEntries.ofGroups(List.of(group("a", 1, 1), group("b", 1, 1), group("c", 1, 1)))
                .withGroup(1, null);
        assertThat(e.holes()).isEqualTo(1);
        assertThat(e.group(1)).isEmpty();
        PartialEntries compacted = e.compacted();
        assertThat(compacted.holes()).isZero();
        assertThat(compacted.groups()).isEqualTo(2);
        assertThat(compacted.stream().map(StateEntry::key)).containsExactly("a", "c");
        assertThat(compacted).isEqualTo(e);
    }

    @Test
    void theGroupsHandedIn_areCopied_soACallerCannotChangeAStoredVersion() {
        StateEntry[] g = group("a", 2, 4);
        PartialEntries e = PartialEntries.EMPTY.withGroupAppended(g);
        StateEntry first = g[0];
        g[0] = entry("z", 0, 1);
        assertThat(e.get(0)).isSameAs(first);
        e.group(0)[1] = entry("z", 0, 1);
        assertThat(e.get(1).key()).isEqualTo("a");
        assertThatThrownBy(() -> e.add(first)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aPartial_copiesAPlainList_butTakesPartialEntriesAsTheyAre() {
        PartialKey key = new PartialKey("p", new Slot(0, 60_000), "shard-0", 0);
        PartialEntries entries = PartialEntries.EMPTY.withGroupAppended(group("a", 1, 8));
        assertThat(new Partial(key, Fence.of("1"), entries).entries()).isSameAs(entries);
        Partial copied = new Partial(key, Fence.of("1"), List.of(entry("a", 0, 8)));
        assertThat(copied).isEqualTo(new Partial(key, Fence.of("1"), entries));
        assertThat(copied.hashCode()).isEqualTo(new Partial(key, Fence.of("1"), entries).hashCode());
        assertThat(copied.approximateSize()).isEqualTo(key.toString().length() + 64 + entry("a", 0, 8).approximateSize());
    }

    /**
     * Replacing one key of 100,000 costs a path of the trie, not the item: at most a few KB allocated, where copying
     * the entry list (what a write did before) allocates at least 400 KB for its pointers alone.
     */
    @Test
    void replacingOneGroupOfAHundredThousand_allocatesAPath_notTheItem() {
        List<StateEntry[]> groups = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            groups.add(group("u-" + i, 1, 16));
        }
        PartialEntries big = PartialEntries.ofGroups(groups);
        StateEntry[] changed = group("u-500", 1, 24);
        PartialEntries next = big;
        for (int warm = 0; warm < 1_000; warm++) {   // JIT first, so the interpreter's allocations do not count
            next = big.withGroup(500, changed);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        next = big.withGroup(500, changed);
        long bytes = next.approximateBytes();
        int size = next.size();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated to replace one group of 100,000").isLessThan(16 * 1024);
        assertThat(bytes).isEqualTo(big.approximateBytes() + 8);
        assertThat(size).isEqualTo(100_000);
        assertThat(next.get(500)).isSameAs(changed[0]);
        assertThat(big.get(500).accumulator()).hasSize(16);
    }
}

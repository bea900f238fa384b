package io.sluice.state.dynamodb;

import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.sluice.state.dynamodb.RandomValues.LONG_EDGES;
import static io.sluice.state.dynamodb.RandomValues.anyBytes;
import static io.sluice.state.dynamodb.RandomValues.anyLong;
import static io.sluice.state.dynamodb.RandomValues.anyString;
import static io.sluice.state.dynamodb.RandomValues.escaped;
import static org.assertj.core.api.Assertions.assertThat;

class PartialCodecTest {

    private static final Slot MINUTE = new Slot(1_605_052_800_000L, 1_605_052_860_000L);

    @ParameterizedTest(name = "[{index}] {0}, start {1}")
    @MethodSource("entryLists")
    void decode_returnsTheEncodedEntries(List<StateEntry> entries, long start) {
        Slot slot = new Slot(Math.min(start, Long.MAX_VALUE - 60_000), Math.min(start, Long.MAX_VALUE - 60_000) + 60_000);

        assertThat(PartialCodec.decode(slot, PartialCodec.encode(slot, entries))).as(() -> "entries " + inFull(entries))
                .isEqualTo(entries);
    }

    /**
     * 1000 cases: four edge lists (empty; one empty entry; entries at the ends of the long range, so the deltas to
     * the slot overflow; 30 entries of 40-char keys and 300 bytes, the largest) with every edge start, then lists of
     * up to 30 entries (keys of up to 40 chars, any window bounds, up to 300 accumulator bytes) and a start, each
     * drawn from its own seed, which names the case.
     */
    static Stream<Arguments> entryLists() {
        List<Arguments> cases = new ArrayList<>();
        List<StateEntry> extremes = List.of(
                new StateEntry("\0", Long.MIN_VALUE, Long.MAX_VALUE, new byte[] {Byte.MIN_VALUE}),
                new StateEntry(" ", Long.MAX_VALUE, Long.MIN_VALUE, new byte[] {Byte.MAX_VALUE, 0}),
                new StateEntry("", Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, new byte[] {-1, 1, -2, 2}));
        List<StateEntry> largest = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] accumulator = new byte[300];
            Arrays.fill(accumulator, (byte) i);
            largest.add(new StateEntry(String.format("%040d", i), 0, 0, accumulator));
        }
        for (long start : LONG_EDGES) {
            cases.add(Arguments.of(Named.of("no entries", List.of()), start));
            cases.add(Arguments.of(Named.of("one empty entry", List.of(new StateEntry("", 0, 0, new byte[0]))), start));
            cases.add(Arguments.of(Named.of("entries at the extremes", extremes), start));
            cases.add(Arguments.of(Named.of("30 entries of 40 chars and 300 bytes", largest), start));
        }
        Random seeds = new Random(1_605_052_800_000L);
        while (cases.size() < 1000) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            List<StateEntry> entries = new ArrayList<>();
            for (int i = random.nextInt(31); i > 0; i--) {
                entries.add(new StateEntry(anyString(random, 40), anyLong(random), anyLong(random), anyBytes(random, 300)));
            }
            cases.add(Arguments.of(Named.of("seed " + seed + ", " + entries.size() + " entries", entries), anyLong(random)));
        }
        return cases.stream();
    }

    /** The entries with their keys escaped and their accumulators' bytes, to reproduce a failed case. */
    private static String inFull(List<StateEntry> entries) {
        return entries.stream().map(e -> "(" + escaped(e.key()) + ", " + e.windowStart() + ", " + e.windowEnd() + ", "
                + Arrays.toString(e.accumulator()) + ")").toList().toString();
    }

    @Test
    void encode_storesWindowsEqualToTheSlotInOneByteEach() {
        byte[] stored = PartialCodec.encode(MINUTE, List.of(
                new StateEntry("c-42", MINUTE.start(), MINUTE.end(), new byte[16])));

        // format, count, key length, 4 key bytes, start delta, end delta, accumulator length, 16 bytes
        assertThat(stored).hasSize(1 + 1 + 1 + 4 + 1 + 1 + 1 + 16);
    }

    @Test
    void encode_deflatesLargeRepetitiveBodies_andDecodesThem() {
        List<StateEntry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            entries.add(new StateEntry("c-" + i, MINUTE.start(), MINUTE.end(), new byte[] {0, 0, 0, 0, 0, 0, 0, 1,
                    0, 0, 0, 0, 0, 0, 7, (byte) i}));
        }

        byte[] stored = PartialCodec.encode(MINUTE, entries);

        assertThat(stored[0]).isEqualTo((byte) 1);
        assertThat(stored.length).isLessThan(500 * 16 / 2);
        assertThat(PartialCodec.decode(MINUTE, stored)).isEqualTo(entries);
    }
}

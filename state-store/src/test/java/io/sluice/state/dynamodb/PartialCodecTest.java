package io.sluice.state.dynamodb;

import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartialCodecTest {

    private static final Slot MINUTE = new Slot(1_605_052_800_000L, 1_605_052_860_000L);

    @Property
    void decode_returnsTheEncodedEntries(@ForAll("entries") List<StateEntry> entries, @ForAll long start) {
        Slot slot = new Slot(Math.min(start, Long.MAX_VALUE - 60_000), Math.min(start, Long.MAX_VALUE - 60_000) + 60_000);

        assertThat(PartialCodec.decode(slot, PartialCodec.encode(slot, entries))).isEqualTo(entries);
    }

    @Provide
    Arbitrary<List<StateEntry>> entries() {
        Arbitrary<StateEntry> entry = Combinators.combine(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.longs(),
                Arbitraries.longs(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as(StateEntry::new);
        return entry.list().ofMaxSize(30);
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

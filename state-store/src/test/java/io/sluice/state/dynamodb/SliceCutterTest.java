package io.sluice.state.dynamodb;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SliceCutter} cuts where the content says, so bytes inserted or appended in one place leave the slices
 * elsewhere byte for byte as they were: what lets a growing key rewrite a few slices, not its whole page.
 */
class SliceCutterTest {

    private static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Set<ByteBuffer> slices(byte[] bytes, int target) {
        Set<ByteBuffer> slices = new HashSet<>();
        for (byte[] s : ChunkedPartials.slices(bytes, target, 8 * target)) {
            slices.add(ByteBuffer.wrap(s));
        }
        return slices;
    }

    private static byte[] inserted(byte[] bytes, int at, byte[] insert) {
        byte[] out = new byte[bytes.length + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
        return out;
    }

    @Test
    void cuts_coverTheBytes_withinTheBounds_averagingAboutTheTarget() {
        byte[] bytes = random(1 << 20, 1);
        int[] ends = SliceCutter.cuts(bytes, 4096, 32_768);

        assertThat(ends[ends.length - 1]).isEqualTo(bytes.length);
        int from = 0;
        for (int i = 0; i < ends.length; i++) {
            int length = ends[i] - from;
            assertThat(length).as("slice %d", i).isLessThanOrEqualTo(32_768);
            if (i < ends.length - 1) {
                assertThat(length).as("slice %d", i).isGreaterThan(1024);
            }
            from = ends[i];
        }
        assertThat(bytes.length / ends.length).as("mean slice").isBetween(4096, 6144);
        assertThat(SliceCutter.cuts(bytes, 4096, 32_768)).as("deterministic").isEqualTo(ends);
    }

    @Test
    void cuts_ofBytesWithoutCutPoints_areMaxLong_andOfEmptyBytes_oneEmptySlice() {
        assertThat(SliceCutter.cuts(new byte[100_000], 1024, 8192)).hasSize(13).endsWith(100_000);
        assertThat(SliceCutter.cuts(new byte[0], 1024, 8192)).containsExactly(0);
        assertThat(SliceCutter.cuts(new byte[10], 1024, 8192)).containsExactly(10);
        assertThatThrownBy(() -> SliceCutter.cuts(new byte[10], 1000, 8192))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAppendOrAnInsertion_changesTheSlicesAroundIt_only() {
        byte[] before = random(1 << 20, 2);
        Set<ByteBuffer> old = slices(before, 4096);

        for (int at : new int[] {before.length, before.length / 2, 7}) {
            byte[] after = inserted(before, at, random(3000, at));
            Set<ByteBuffer> now = slices(after, 4096);
            Set<ByteBuffer> added = new HashSet<>(now);
            added.removeAll(old);
            assertThat(added).as("new slices after inserting 3,000 bytes at %d of %d slices", at, now.size())
                    .hasSizeLessThanOrEqualTo(3);
        }
    }

    @Test
    void fixedOffsets_wouldChangeEverySliceAfterAnInsertion() {
        // why the boundaries follow the content: cut at fixed offsets, an insertion near the start shifts them all
        byte[] before = random(1 << 18, 3);
        byte[] after = inserted(before, 100, random(10, 4));
        int same = 0;
        for (int from = 4096; from + 4096 <= before.length; from += 4096) {
            same += Arrays.equals(before, from, from + 4096, after, from, from + 4096) ? 1 : 0;
        }
        assertThat(same).isZero();
        Set<ByteBuffer> added = new HashSet<>(slices(after, 4096));
        added.removeAll(slices(before, 4096));
        assertThat(added).hasSizeLessThanOrEqualTo(2);
    }
}

package io.sluice.state.dynamodb;

import java.util.ArrayList;
import java.util.List;

/**
 * Content-defined cut points of a page's plain bytes, so that bytes inserted or appended in one place move the slice
 * boundaries around that place only: the slices before it, and after it once the boundaries meet again (within
 * about one slice), have the same bytes as before and keep their chunk items ({@link ChunkedItems}). Fixed offsets
 * would shift every boundary after an insertion, so a key whose accumulator grows in the middle of a page would
 * rewrite the rest of the page on every batch.
 *
 * <p>A gear hash (as FastCDC's): {@code h = (h << 1) + GEAR[b]}, so its top bits depend on the last 64 bytes only;
 * a cut follows the byte where the top {@code log2(target)} bits are zero, at least {@code target / 4} and at most
 * {@code max} bytes after the previous cut. Slices then average about {@code 1.25 * target} bytes. The table and the
 * rule are fixed forever: stable cuts across builds keep unchanged slices unchanged (reading never depends on them,
 * the manifest names every slice).
 */
final class SliceCutter {

    private static final long[] GEAR = gear();

    private SliceCutter() {
    }

    /**
     * The end offsets of the slices of {@code bytes}, ascending, the last one {@code bytes.length}; one slice (of
     * length 0) for empty bytes.
     *
     * @param target a power of two, the slices' typical length
     * @param max    the longest slice, at least {@code target}
     */
    static int[] cuts(byte[] bytes, int target, int max) {
        if (Integer.bitCount(target) != 1 || max < target) {
            throw new IllegalArgumentException("target must be a power of two <= max: " + target + ", " + max);
        }
        int min = Math.max(1, target / 4);
        int shift = 64 - Integer.numberOfTrailingZeros(target);
        List<Integer> ends = new ArrayList<>(bytes.length / target + 2);
        int from = 0;
        while (bytes.length - from > min) {
            int limit = Math.min(bytes.length, from + max);
            int end = limit;
            long h = 0;
            for (int i = Math.max(0, from + min - 64); i < limit; i++) {   // the window before a cut, wherever it is
                h = (h << 1) + GEAR[bytes[i] & 0xFF];
                if (i >= from + min && (h >>> shift) == 0) {
                    end = i + 1;
                    break;
                }
            }
            ends.add(end);
            from = end;
        }
        if (from < bytes.length || ends.isEmpty()) {
            ends.add(bytes.length);
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /** SplitMix64 from a fixed seed: the same 256 values in every JVM. */
    private static long[] gear() {
        long[] gear = new long[256];
        long x = 0x5EED_51CE_C0DE_18L;
        for (int i = 0; i < gear.length; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            gear[i] = z ^ (z >>> 31);
        }
        return gear;
    }
}

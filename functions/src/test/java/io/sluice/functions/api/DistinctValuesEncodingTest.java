package io.sluice.functions.api;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DistinctValues} encodes a batch's additions without sorting the whole set again (issue 18: a hot key's exact
 * distinct users were re-sorted on every batch), and still reads what it wrote before segments existed.
 */
class DistinctValuesEncodingTest {

    private static byte[] encode(DistinctValues v) {
        return DistinctValues.CODEC.encode(v);
    }

    @Test
    void oneSegment_isTheFormatWrittenBeforeSegments_andStillDecodes() {
        DistinctValues v = new DistinctValues().add("b").add("ab").add("a");
        // count 3; then (shared, rest length, rest) per sorted value: "a", "ab" (shares "a"), "b"; zig-zag varints
        byte[] old = {6, 0, 2, 'a', 2, 2, 'b', 0, 2, 'b'};

        assertThat(encode(v)).containsExactly(old);
        assertThat(DistinctValues.CODEC.decode(old)).isEqualTo(v);
    }

    @Test
    void encodingAgain_appendsASegmentOfTheAdditions_toThePreviousBytes() {
        DistinctValues users = new DistinctValues();
        for (int i = 0; i < 10_000; i++) {
            users.add("u-" + (100_000 + i * 7));
        }
        byte[] first = encode(users);
        users.add("u-100001").add("u-199999").add("u-100000"); // the last is there already

        byte[] second = encode(users);

        assertThat(Arrays.copyOf(second, first.length)).as("the previous bytes, untouched").isEqualTo(first);
        assertThat(second.length - first.length).as("a segment of the two new values").isLessThan(20);
        assertThat(encode(users)).as("nothing added since: the same bytes").isSameAs(second);
        assertThat(DistinctValues.CODEC.decode(second)).isEqualTo(users);
        assertThat(DistinctValues.CODEC.decode(second).size()).isEqualTo(10_002);
    }

    @Test
    void manyBatches_decodeToTheWholeSet_andAreEncodedWholeOnlyAsTheSetGrowsByAQuarter() {
        Random random = new Random(18);
        DistinctValues users = new DistinctValues();
        Set<String> expected = new HashSet<>();
        byte[] bytes = encode(users);
        int rewrittenWhole = 0;
        for (int batch = 0; batch < 100; batch++) {
            for (int i = 0; i < 50; i++) {
                String u = "u-" + random.nextInt(1_000_000);
                users.add(u);
                expected.add(u);
            }
            byte[] next = encode(users);
            boolean appended = next.length > bytes.length
                    && Arrays.equals(Arrays.copyOf(next, bytes.length), bytes);
            if (!appended) {
                rewrittenWhole++;
            }
            bytes = next;
            DistinctValues decoded = DistinctValues.CODEC.decode(bytes);
            assertThat(decoded.size()).isEqualTo(expected.size());
            assertThat(expected).allMatch(decoded::contains);
        }
        // encoded whole each time the set has grown by a quarter since its last whole encoding: it grows from 50 to
        // about 5,000 values, so about log(100) / log(1.25) = 21 times (small sets more often: a batch is 50 values)
        assertThat(rewrittenWhole).isBetween(12, 26);
    }

    @Test
    void aDecodedAccumulator_appendsToTheBytesItWasReadFrom() {
        DistinctValues users = new DistinctValues();
        for (int i = 0; i < 1_000; i++) {
            users.add("u-" + i);
        }
        byte[] stored = encode(users);
        DistinctValues read = DistinctValues.CODEC.decode(stored);

        byte[] next = encode(read.add("u-x"));

        assertThat(Arrays.copyOf(next, stored.length)).isEqualTo(stored);
        assertThat(DistinctValues.CODEC.decode(next).size()).isEqualTo(1_001);
    }
}

package io.sluice.functions.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiStringsTest {

    @Test
    void randomSlicesShortAndLong_comeBackAsTheirOwnString_andRepeatsAsTheSameInstance() {
        Random random = new Random(15);
        AsciiStrings strings = new AsciiStrings();
        String[] pool = new String[3_000];
        for (int i = 0; i < pool.length; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(i % 3 == 0 ? 40 : AsciiStrings.MAX_PACKED_BYTES);
            for (int j = 0; j < length; j++) {
                s.append((char) (0x20 + random.nextInt(0x7f - 0x20)));
            }
            pool[i] = s.toString();
        }
        for (int round = 0; round < 100_000; round++) {
            String expected = pool[random.nextInt(random.nextBoolean() ? 20 : pool.length)];
            byte[] line = ("xx" + expected + "yy").getBytes(StandardCharsets.ISO_8859_1);

            String got = strings.get(line, 2, expected.length());

            assertThat(got).isEqualTo(expected);
            if (expected.length() <= AsciiStrings.MAX_CACHED_BYTES) {
                assertThat(strings.get(line, 2, expected.length())).isSameAs(got);
            }
        }
    }

    @Test
    void slicesThatDifferOnlyInALeadingSpace_areDifferentStrings() {
        AsciiStrings strings = new AsciiStrings();
        byte[] a = "ab".getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = " ab".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(AsciiStrings.pack(a, 0, 2)).isNotEqualTo(AsciiStrings.pack(b, 0, 3));
        assertThat(strings.get(a, 0, 2)).isEqualTo("ab");
        assertThat(strings.get(b, 0, 3)).isEqualTo(" ab");
    }
}

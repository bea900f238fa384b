package io.sluice.functions.codec;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsciiWords}' eight-byte scans against the byte loops they replace, on random bytes biased towards the ones
 * that stop them (digits, quotes, backslashes, DEL, control and non-ASCII bytes, newlines), at every alignment.
 */
class AsciiWordsTest {

    private static final byte[] STOPS = {'"', '\\', 0x7f, 0x1f, 0, (byte) 0x80, (byte) 0xff, (byte) 0xfa, '\n', '/',
            ':', '0', '9', ' '};

    @Test
    void leadingDigitsAndTheirValue_areWhatADigitLoopReads() {
        Random random = new Random(7);
        for (int t = 0; t < 200_000; t++) {
            byte[] b = new byte[Long.BYTES];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(3) > 0 ? (byte) ('0' + random.nextInt(10)) : randomByte(random);
            }
            long w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int digits = 0;
            while (digits < b.length && b[digits] >= '0' && b[digits] <= '9') {
                digits++;
            }
            assertThat(AsciiWords.leadingDigits(w)).as("digits of %s", show(b)).isEqualTo(digits);
            long value = 0;
            for (int k = 1; k <= digits; k++) {
                value = value * 10 + (b[k - 1] - '0');
                assertThat(AsciiWords.valueOf(w, k)).as("%d digits of %s", k, show(b)).isEqualTo(value);
                assertThat(AsciiWords.append(42, w, k)).isEqualTo(42 * (long) Math.pow(10, k) + value);
            }
            assertThat(AsciiWords.append(42, w, 0)).isEqualTo(42);
        }
    }

    @Test
    void plainRunEnd_stopsAtTheFirstByteAStringLoopMustJudge_orWhereLessThanAWordIsLeft() {
        Random random = new Random(8);
        for (int t = 0; t < 50_000; t++) {
            byte[] b = randomBytes(random, 1 + random.nextInt(40), 12);
            int from = random.nextInt(b.length);
            int end = from + random.nextInt(b.length - from + 1);
            int run = AsciiWords.plainRunEnd(b, from, end);
            assertThat(run).isBetween(from, end);
            for (int i = from; i < run; i++) {
                assertThat(plain(b[i])).as("byte %d of %s passed, from %d to %d", i, show(b), from, end).isTrue();
            }
            if (run < end && end - run >= Long.BYTES) {
                assertThat(plain(b[run])).as("stopped at %d of %s", run, show(b)).isFalse();
            }
        }
    }

    @Test
    void newline_isTheFirstNewlineInTheRange_orItsEnd() {
        Random random = new Random(9);
        for (int t = 0; t < 50_000; t++) {
            byte[] b = randomBytes(random, 1 + random.nextInt(40), 20);
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            int expected = from;
            while (expected < to && b[expected] != '\n') {
                expected++;
            }
            assertThat(AsciiWords.newline(b, from, to)).as("%s from %d to %d", show(b), from, to).isEqualTo(expected);
        }
    }

    /** What the projected JSON decoder's string loop passes without a second look. */
    private static boolean plain(byte c) {
        return c != '"' && c != '\\' && c >= 0x20 && c != 0x7f;   // non-ASCII bytes are negative
    }

    private static byte[] randomBytes(Random random, int length, int plainOdds) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = random.nextInt(plainOdds) > 0 ? (byte) (0x20 + random.nextInt(0x5f)) : randomByte(random);
        }
        return b;
    }

    private static byte randomByte(Random random) {
        return random.nextBoolean() ? STOPS[random.nextInt(STOPS.length)] : (byte) random.nextInt(256);
    }

    private static String show(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte c : b) {
            s.append(String.format("%02x ", c & 0xff));
        }
        return s.toString().trim();
    }
}

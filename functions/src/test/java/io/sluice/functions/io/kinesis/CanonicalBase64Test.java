package io.sluice.functions.io.kinesis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CanonicalBase64} against {@link Base64#getDecoder()}: the same bytes on everything an encoder writes, and on
 * any change to it either the JDK decoder's bytes or null, never other bytes, and null whenever the JDK decoder
 * refuses. Each input sits inside a larger array between random characters, so a read past the range's end would
 * show.
 */
class CanonicalBase64Test {

    private static final byte[] CHANGES = "A/+z09=\"\\ \n\u0000-_.=".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void decode_givesTheJdkDecodersBytes_onEveryLengthAnEncoderWrites() {
        Random random = new Random(11);
        for (int t = 0; t < 20_000; t++) {
            byte[] data = new byte[random.nextInt(t < 1_000 ? 40 : 400)];
            random.nextBytes(data);
            byte[] encoded = Base64.getEncoder().encode(data);
            assertThat(decodeInside(random, encoded)).as("%d bytes", data.length).isEqualTo(data);
        }
        assertThat(CanonicalBase64.decode(new byte[0], 0, 0)).isEmpty();
    }

    @Test
    void decode_ofAChangedEncoding_isTheJdkDecodersAnswerOrNull_andNullWhenTheJdkRefuses() {
        Random random = new Random(12);
        int refused = 0;
        int decoded = 0;
        for (int t = 0; t < 200_000; t++) {
            byte[] data = new byte[random.nextInt(30)];
            random.nextBytes(data);
            byte[] encoded = mutate(random, Base64.getEncoder().encode(data));
            byte[] jdk;
            try {
                jdk = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                jdk = null;
            }
            byte[] ours = decodeInside(random, encoded);
            String input = new String(encoded, StandardCharsets.ISO_8859_1);
            if (jdk == null) {
                assertThat(ours).as("the JDK refuses [%s]", input).isNull();
            } else if (ours != null) {
                assertThat(ours).as("[%s]", input).isEqualTo(jdk);
            }
            refused += ours == null ? 1 : 0;
            decoded += ours == null ? 0 : 1;
        }
        assertThat(refused).as("changes the decoder refused").isGreaterThan(10_000);
        assertThat(decoded).as("changes that stayed canonical base64").isGreaterThan(10_000);
    }

    @Test
    void decode_refusesWhatIsNotCanonical_evenWhereTheJdkAccepts() {
        assertThat(decode("QQ==")).containsExactly('A');
        assertThat(decode("QR==")).as("unused bits set").isNull();
        assertThat(decode("QUI=")).containsExactly('A', 'B');
        assertThat(decode("QUJ=")).as("unused bits set").isNull();
        assertThat(decode("QQ")).as("padding left out").isNull();
        assertThat(decode("QQ==QQ==")).as("padding inside").isNull();
        assertThat(decode("Q===")).isNull();
        assertThat(decode("====")).isNull();
        assertThat(decode("QUJD-_8=")).as("the URL alphabet").isNull();
        assertThat(decode("QUJD\nQUJD")).as("a line break").isNull();
    }

    private static byte[] decode(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return CanonicalBase64.decode(b, 0, b.length);
    }

    /** Decodes {@code encoded} copied into a larger array, between random {@code A}, {@code =} and quotes. */
    private static byte[] decodeInside(Random random, byte[] encoded) {
        int before = random.nextInt(9);
        byte[] in = new byte[before + encoded.length + random.nextInt(9)];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) "A=\"".charAt(random.nextInt(3));
        }
        System.arraycopy(encoded, 0, in, before, encoded.length);
        return CanonicalBase64.decode(in, before, before + encoded.length);
    }

    /** One to three changes: a character replaced, inserted or removed, or the end cut. */
    private static byte[] mutate(Random random, byte[] encoded) {
        StringBuilder s = new StringBuilder(new String(encoded, StandardCharsets.ISO_8859_1));
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
            int at = random.nextInt(s.length() + 1);
            char c = (char) (random.nextInt(4) == 0 ? random.nextInt(256) : CHANGES[random.nextInt(CHANGES.length)]);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (at < s.length()) {
                        s.setCharAt(at, c);
                    }
                }
                case 1 -> s.insert(at, c);
                case 2 -> {
                    if (at < s.length()) {
                        s.deleteCharAt(at);
                    }
                }
                default -> s.setLength(at);
            }
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}

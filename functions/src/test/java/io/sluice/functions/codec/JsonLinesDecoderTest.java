package io.sluice.functions.codec;

import io.sluice.functions.examples.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesDecoderTest {

    private static final String[] LINES = {
            "{\"orderId\":\"o-1\",\"userId\":\"u\",\"category\":\"c-1\",\"amount\":5,\"ts\":1}",
            "{\"orderId\":\"o-2\",\"userId\":\"u\",\"category\":\"c-2\",\"amount\":-7,\"ts\":2,\"x\":[1,{}]}",
            "{\"orderId\":\"o-3\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":3} {}",
            "{\"orderId\":\"o-4\"",
            ",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":3}",
            "{\"orderId\":\"o-5\",\"userId\":\"u\",\"category\":\"c\",\"amount\":\"1\",\"ts\":3}",
            "{\"orderId\":\"o-6\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":3}   ",
            "  {\"orderId\":\"o-7\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1,\"ts\":3}",
            "",
            "   ",
            "{broken",
            "null",
            "{}",
            "{\"orderId\":\"o-8\",\"userId\":\"u\",\"category\":\"c\",\"amount\":1e3,\"ts\":3}",
    };

    /** Records back to back in one buffer decode exactly as one by one, whatever their mix of good and bad. */
    @ParameterizedTest(name = "[{index}] lines {0}")
    @MethodSource("picksOfLines")
    void sequence_decodesLikeOneByOne(List<Integer> picks) throws Exception {
        JsonLinesDecoder<Order> decoder = JsonLinesDecoder.of(Order.class);
        StringBuilder region = new StringBuilder("##");
        int[] offsets = new int[picks.size()];
        for (int i = 0; i < picks.size(); i++) {
            offsets[i] = region.length();
            region.append(LINES[picks.get(i)]);
        }
        byte[] bytes = region.toString().getBytes(StandardCharsets.UTF_8);
        try (RecordDecoder.Sequence<Order> sequence = decoder.sequence(bytes, bytes.length)) {
            for (int i = 0; i < picks.size(); i++) {
                int offset = offsets[i];
                int length = LINES[picks.get(i)].length();
                assertThat(outcome(() -> sequence.next(offset, length)))
                        .isEqualTo(outcome(() -> decoder.decode(bytes, offset, length)));
            }
        }
    }

    /** 300 cases: no record, each line alone, 30 lines (the most), then up to 30 lines picked from a fixed seed. */
    static Stream<List<Integer>> picksOfLines() {
        List<List<Integer>> cases = new ArrayList<>();
        cases.add(List.of());
        for (int i = 0; i < LINES.length; i++) {
            cases.add(List.of(i));
        }
        List<Integer> most = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            most.add(i % LINES.length);
        }
        cases.add(most);
        Random random = new Random(14);
        while (cases.size() < 300) {
            List<Integer> picks = new ArrayList<>();
            for (int n = random.nextInt(31); n > 0; n--) {
                picks.add(random.nextInt(LINES.length));
            }
            cases.add(picks);
        }
        return cases.stream();
    }

    private interface Decoding {
        Order get() throws MalformedRecordException;
    }

    private static String outcome(Decoding decoding) {
        try {
            return "ok " + decoding.get();
        } catch (MalformedRecordException e) {
            return "rejected " + e.getMessage();
        }
    }

    private final JsonLinesDecoder<Order> decoder = JsonLinesDecoder.of(Order.class);

    private Order decode(String line) throws MalformedRecordException {
        byte[] bytes = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
        return decoder.decode(bytes, 2, bytes.length - 4);
    }

    @Test
    void decode_bindsAllFields_andIgnoresUnknownOnes() throws Exception {
        Order order = decode("{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"amount\":-1999,\"ts\":1605052800123,\"coupon\":\"X\"}");

        assertThat(order).isEqualTo(new Order("o-1", "u-2", "c-3", -1999, 1605052800123L));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{not json                                                                                  | not JSON",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"ts\":1}                     | field amount: missing",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"amount\":\"12\",\"ts\":1}   | field amount: not an integer",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"amount\":19.99,\"ts\":1}    | field amount: not an integer",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":null,\"amount\":1,\"ts\":1}           | field category: null",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c\",\"amount\":99999999999999999999,\"ts\":1} | field amount: number out of range",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c\",\"amount\":1,\"ts\":1} {}       | trailing data after the JSON object",
            "[1,2]                                                                                      | not a JSON object",
            "'   '                                                                                      | empty record",
            "null                                                                                       | not a JSON object",
    })
    void decode_rejectsWithAReasonOfTheVocabulary(String line, String reason) {
        assertThatThrownBy(() -> decode(line.strip().replace("'", "")))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessage(reason);
    }
}

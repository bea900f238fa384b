package io.sluice.functions.codec;

import io.sluice.functions.examples.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesDecoderTest {

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
            "{not json                                                                                  | invalid JSON",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"ts\":1}                     | missing field [amount]",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"amount\":\"12\",\"ts\":1}   | wrong type for field [amount]",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c-3\",\"amount\":19.99,\"ts\":1}    | wrong type for field [amount]",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":null,\"amount\":1,\"ts\":1}           | null field [category]",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c\",\"amount\":99999999999999999999,\"ts\":1} | number out of range",
            "{\"orderId\":\"o-1\",\"userId\":\"u-2\",\"category\":\"c\",\"amount\":1,\"ts\":1} {}       | trailing data",
            "[1,2]                                                                                      | not a JSON object",
            "'   '                                                                                      | empty record",
            "null                                                                                       | JSON null",
    })
    void decode_rejectsWithOneLineReason(String line, String reason) {
        assertThatThrownBy(() -> decode(line.strip().replace("'", "")))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}

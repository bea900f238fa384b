package io.sluice.functions.codec;

import io.sluice.functions.examples.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRecordDecoderTest {

    private static final CsvRecordDecoder<Order> DECODER =
            CsvRecordDecoder.of(Order.class, List.of("orderId", "userId", "category", "amount", "ts"));

    private static Order decode(String line) throws MalformedRecordException {
        byte[] bytes = ("##" + line + "##").getBytes(StandardCharsets.UTF_8);
        return DECODER.decode(bytes, 2, bytes.length - 4);
    }

    @Test
    void decode_bindsColumnsInOrder_withQuotedFields() throws Exception {
        assertThat(decode("o-1,u-2,c-3,-1999,1605052800123")).isEqualTo(new Order("o-1", "u-2", "c-3", -1999, 1605052800123L));
        assertThat(decode("o-1,u-2,\"c,\"\"3\"\"\",5,7")).isEqualTo(new Order("o-1", "u-2", "c,\"3\"", 5, 7));
    }

    @Test
    void decode_returnsNullForTheHeaderLine_soItIsSkippedNotRejected() throws Exception {
        assertThat(decode("orderId,userId,category,amount,ts")).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "o-1,u-2,c-3,1999                        | missing columns",
            "o-1,u-2,c-3,abc,5                       | field amount: not an integer",
            "o-1,u-2,c-3,19.99,5                     | field amount: not an integer",
            "o-1,u-2,,1,5                            | field category: null",
            "o-1,u-2,c-3,99999999999999999999,5      | field amount: number out of range",
            "o-1,u-2,c-3,1,5,extra                   | too many columns",
            "'   '                                   | empty record",
    })
    void decode_rejectsWithAReasonOfTheVocabulary(String line, String reason) {
        assertThatThrownBy(() -> decode(line.strip().replace("'", "")))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void of_refusesEmptyOrRepeatedColumns() {
        assertThatThrownBy(() -> CsvRecordDecoder.of(Order.class, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CsvRecordDecoder.of(Order.class, List.of("ts", "ts"))).isInstanceOf(IllegalArgumentException.class);
    }
}

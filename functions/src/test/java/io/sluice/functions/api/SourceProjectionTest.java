package io.sluice.functions.api;

import io.sluice.functions.examples.Order;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceProjectionTest {

    @Test
    void readingOnly_keepsTheFields_andTheOtherOptions() {
        Source<Order> source = Source.jsonLines(Order.class).withMaxRecordBytes(4096).readingOnly("category", "ts");

        assertThat(source.projection()).containsExactly("category", "ts");
        assertThat(source.maxRecordBytes()).isEqualTo(4096);
        assertThat(source.withMaxRecordBytes(100).projection()).containsExactly("category", "ts");
        assertThat(source).isNotEqualTo(Source.jsonLines(Order.class).withMaxRecordBytes(4096));
        assertThat(Source.jsonLines(Order.class).projection()).isEmpty();
    }

    @Test
    void readingOnly_refusesAFieldTheRecordDoesNotHave() {
        assertThatThrownBy(() -> Source.jsonLines(Order.class).readingOnly("category", "price"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field [price] in Order");
    }

    @Test
    void readingOnly_refusesATypeThatIsNotARecord_andRepeatedFields() {
        assertThatThrownBy(() -> Source.jsonLines(List.class).readingOnly("size"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a record type");
        assertThatThrownBy(() -> Source.csv(Order.class, "orderId", "userId", "category", "amount", "ts")
                .readingOnly("ts", "ts")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeat");
    }
}

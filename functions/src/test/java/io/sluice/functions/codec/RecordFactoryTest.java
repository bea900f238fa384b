package io.sluice.functions.codec;

import io.sluice.functions.examples.Order;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Public, so its public nested records are reachable from the spun classes of another package. */
public class RecordFactoryTest {

    /** Public, with a compact constructor that refuses a negative quantity. */
    public record Checked(String symbol, int quantity, long ts) {
        public Checked {
            if (quantity < 0) {
                throw new IllegalArgumentException("quantity [" + quantity + "] is negative");
            }
        }
    }

    /** Not public: only reflection can build it from another package's code. */
    private record Hidden(String symbol, long ts) {
    }

    public record Wide(long a, long b, long c, long d, long e, long f, long g, long h, long i) {
    }

    @Test
    void publicRecord_isBuiltWithoutReflection_withEveryArgumentInPlace() throws Exception {
        RecordFactory<Order> make = RecordFactory.of(Order.class.getDeclaredConstructor(
                String.class, String.class, String.class, long.class, long.class));

        Order order = make.create(new Object[] {"o-1", "u-2", "c-3", 1999L, 1605052800123L});

        assertThat(make.direct()).isTrue();
        assertThat(order).isEqualTo(new Order("o-1", "u-2", "c-3", 1999L, 1605052800123L));
    }

    @Test
    void compactConstructorsRefusal_isThrownUnwrapped_directOrReflective() throws Exception {
        RecordFactory<Checked> direct = RecordFactory.of(Checked.class.getDeclaredConstructor(
                String.class, int.class, long.class));

        assertThat(direct.direct()).isTrue();
        assertThat(direct.create(new Object[] {"x", 3, 7L})).isEqualTo(new Checked("x", 3, 7L));
        assertThatThrownBy(() -> direct.create(new Object[] {"x", -1, 7L}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is negative");
    }

    @Test
    void nonPublicAndWideRecords_fallBackToReflection_andStillBuild() throws Exception {
        RecordFactory<Hidden> hidden = RecordFactory.of(Hidden.class.getDeclaredConstructor(String.class, long.class));
        Class<?>[] nineLongs = new Class<?>[9];
        java.util.Arrays.fill(nineLongs, long.class);
        RecordFactory<Wide> wide = RecordFactory.of(Wide.class.getDeclaredConstructor(nineLongs));

        assertThat(hidden.direct()).isFalse();
        assertThat(hidden.create(new Object[] {"s", 5L})).isEqualTo(new Hidden("s", 5L));
        assertThat(wide.direct()).isFalse();
        assertThat(wide.create(new Object[] {1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L}))
                .isEqualTo(new Wide(1, 2, 3, 4, 5, 6, 7, 8, 9));
    }

    @Test
    void recordShape_ofTheGmvOrder_buildsWithoutReflection_andReturnsNullWhenTheConstructorRefuses() {
        assertThat(RecordShape.of(Order.class, List.of("category", "amount", "ts")).directlyBuilt()).isTrue();
        RecordShape<Checked> checked = RecordShape.of(Checked.class, List.of("quantity"));

        assertThat(checked.create(new Object[] {null, -1, 0L})).isNull();
        assertThat(checked.create(new Object[] {null, 2, 0L})).isEqualTo(new Checked(null, 2, 0L));
    }
}

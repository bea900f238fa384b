package io.sluice.functions.codec;

import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoders alone, one thread, on generated orders: CPU nanoseconds per record of the full Jackson decoder and
 * of the projected one the GMV pipelines use. Not a unit test: run it by name,
 *
 * <pre>
 * mvn -o -q -pl functions -am test -Dtest=ProjectedDecoderBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class ProjectedDecoderBenchmark {

    private static final int RECORDS = Integer.getInteger("sluice.benchmark.records", 1_000_000);
    private static final int ROUNDS = 5;

    @Test
    void fullAndProjectedDecoders_nanosecondsPerRecord() throws IOException, MalformedRecordException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OrdersGenerator.builder().records(RECORDS).seed(42).build().writeJsonLines(out);
        byte[] all = out.toByteArray();
        int[] offsets = new int[RECORDS];
        int[] lengths = new int[RECORDS];
        int n = 0;
        for (int i = 0, start = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                offsets[n] = start;
                lengths[n++] = i - start;
                start = i + 1;
            }
        }
        RecordDecoder<Order> full = JsonLinesDecoder.of(Order.class);
        RecordDecoder<Order> projected = ProjectedJsonDecoder.of(Order.class, List.of("category", "amount", "ts"));
        StringBuilder report = new StringBuilder();
        long[] checks = new long[2];
        for (int round = 0; round < ROUNDS; round++) {   // alternating, so a burst of load hits both
            for (int d = 0; d < 2; d++) {
                RecordDecoder<Order> decoder = d == 0 ? full : projected;
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long cpu = threads.getCurrentThreadCpuTime();
                long check = 0;
                try (RecordDecoder.Sequence<Order> sequence = decoder.sequence(all, all.length)) {
                    for (int i = 0; i < n; i++) {
                        Order o = sequence.next(offsets[i], lengths[i]);
                        check += o.amount() + o.ts() + o.category().length();
                    }
                }
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                checks[d] = check;
                report.append(String.format(Locale.ROOT, "round %d %-9s %6.1f ns/record%n", round,
                        d == 0 ? "full" : "projected", cpu / (double) n));
            }
        }
        System.out.print(report);
        assertThat(checks[1]).isEqualTo(checks[0]);
    }
}

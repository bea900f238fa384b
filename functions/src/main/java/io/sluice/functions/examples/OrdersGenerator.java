package io.sluice.functions.examples;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic generator of the orders workload with the shape of a Double 11 night: a sharp peak at the start
 * (midnight) decaying towards a baseline, events arriving up to {@code maxDisorder} out of order, categories
 * Zipf-distributed over 1,000 and users uniform over 1,000,000. The same seed always yields the same bytes.
 *
 * <pre>{@code
 * OrdersGenerator gen = OrdersGenerator.builder().records(1_000_000).seed(42).build();
 * gen.writeJsonLines(out);            // or gen.forEach(order -> ...)
 * }</pre>
 *
 * <p>Arrival times follow the rate {@code r(t) = base + peak * e^(-t / tau)} (peak 30x base, tau a tenth of the
 * duration); each order's event time is its arrival time minus a uniform delay in {@code [0, maxDisorder]}, so
 * no order is more than {@code maxDisorder} behind the latest one before it.
 */
public final class OrdersGenerator {

    /** 2020-11-11T00:00:00+08:00, the start of Double 11. */
    public static final Instant DOUBLE_11 = Instant.parse("2020-11-10T16:00:00Z");

    private static final int CATEGORIES = 1_000;
    private static final int USERS = 1_000_000;
    private static final double ZIPF_EXPONENT = 1.0;
    private static final double PEAK_OVER_BASE = 30.0;

    private final long records;
    private final long seed;
    private final long startMillis;
    private final long durationMillis;
    private final long maxDisorderMillis;
    private final double[] categoryCdf = zipfCdf(CATEGORIES, ZIPF_EXPONENT);

    private OrdersGenerator(Builder b) {
        this.records = b.records;
        this.seed = b.seed;
        this.startMillis = b.start.toEpochMilli();
        this.durationMillis = b.duration.toMillis();
        this.maxDisorderMillis = b.maxDisorder.toMillis();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Calls {@code consumer} with every order, in arrival order. */
    public void forEach(Consumer<Order> consumer) {
        SplittableRandom random = new SplittableRandom(seed);
        long seconds = Math.max(1, durationMillis / 1000);
        double tau = seconds / 10.0;
        double total = cumulativeRate(seconds, tau);
        long emitted = 0;
        for (long s = 0; s < seconds && emitted < records; s++) {
            long target = s == seconds - 1 ? records : Math.round(records * cumulativeRate(s + 1, tau) / total);
            long count = target - emitted;
            for (long i = 0; i < count; i++) {
                long arrival = startMillis + s * 1000 + (i * 1000) / count;
                long ts = arrival - random.nextLong(maxDisorderMillis + 1);
                consumer.accept(new Order("o-" + (emitted + i), "u-" + random.nextInt(USERS),
                        "c-" + category(random.nextDouble()), amount(random), ts));
            }
            emitted = target;
        }
    }

    /** Writes every order as a JSON line (UTF-8, {@code \n}-terminated). */
    public void writeJsonLines(OutputStream out) throws IOException {
        OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        IOException[] failure = new IOException[1];
        forEach(order -> {
            if (failure[0] == null) {
                try {
                    buffered.write(order.toJson().getBytes(StandardCharsets.UTF_8));
                    buffered.write('\n');
                } catch (IOException e) {
                    failure[0] = e;
                }
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        buffered.flush();
    }

    /** Integral of the arrival rate over {@code [0, t]} seconds, base rate 1. */
    private static double cumulativeRate(double t, double tau) {
        return t + PEAK_OVER_BASE * tau * (1 - Math.exp(-t / tau));
    }

    /** Amounts around 50 yuan with a long tail, in cents, at least 1 cent. */
    private static long amount(SplittableRandom random) {
        double gaussian = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        return Math.max(1, Math.min(100_000_000L, Math.round(Math.exp(8.5 + 1.0 * gaussian))));
    }

    private int category(double u) {
        int lo = 0;
        int hi = categoryCdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (categoryCdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo + 1;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    /** Options of the generator; defaults: 1,000,000 records, seed 1, one hour from {@link #DOUBLE_11}, 5 s. */
    public static final class Builder {
        private long records = 1_000_000;
        private long seed = 1;
        private Instant start = DOUBLE_11;
        private Duration duration = Duration.ofHours(1);
        private Duration maxDisorder = GmvPipelines.MAX_DISORDER;

        private Builder() {
        }

        /** Number of orders; at least 0. */
        public Builder records(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("records must be >= 0 but was " + n);
            }
            this.records = n;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder start(Instant s) {
            this.start = s;
            return this;
        }

        /** Time span of arrivals; at least one second. */
        public Builder duration(Duration d) {
            if (d.toMillis() < 1000) {
                throw new IllegalArgumentException("duration must be at least 1 s but was " + d);
            }
            this.duration = d;
            return this;
        }

        /** Largest delay of an event behind its arrival; zero or more. */
        public Builder maxDisorder(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("maxDisorder must be >= 0 but was " + d);
            }
            this.maxDisorder = d;
            return this;
        }

        public OrdersGenerator build() {
            return new OrdersGenerator(this);
        }
    }
}

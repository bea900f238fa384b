package io.sluice.localstack.esm;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Chaos mode of the local event source mapping: faults AWS may inject at any time, injected often and on purpose,
 * from a seed. Each is something the Lambda guide allows (records delivered more than once, invocations timing
 * out after partial work, throttled reads, new execution environments), so a correct handler must end with the
 * same results under any of them.
 *
 * <pre>{@code
 * Chaos chaos = Chaos.seeded(42);                       // every fault, default rates
 * Chaos some = Chaos.off().withSeed(7).withRedeliveries(0.3).withThrottledReads(0.2);
 * LocalEventSourceMapping.builder(config).handlers(factory).chaos(chaos).start(aws);
 * }</pre>
 *
 * <ul>
 *   <li><b>redeliveries</b>: after a batch is finished and checkpointed, the shard is read again from the start of
 *       that batch or of one of the two before it (probability per finished batch);</li>
 *   <li><b>random timeouts</b>: the invocation times out at a random point in {@code [0, window)} (probability per
 *       invocation); <b>timeouts after writes</b>: it times out right after its N-th write, N uniform in
 *       {@code [1, maxWrites]}, counting the writes of every thread of its instance (its pools' too); both as a real
 *       timeout: interrupted, frozen on every thread of the instance, instance discarded, function error;</li>
 *   <li><b>throttled reads</b>: a GetRecords call fails with {@code ProvisionedThroughputExceededException}
 *       (probability per call); <b>throttled writes</b>: one of an invocation's first {@code maxWrites} writes fails
 *       as throttled before it is sent (probability per invocation; through {@link LocalInvocationInterceptor});</li>
 *   <li><b>recycling</b>: after an invocation, its instance is discarded (probability per invocation);</li>
 *   <li><b>reshards</b>: after a finished batch, its shard is split or merged with a neighbour (probability per
 *       finished batch; off unless {@link #withReshards} sets it).</li>
 * </ul>
 *
 * <p>Chaos never injects a timeout into a batch's last allowed attempt ({@code MaximumRetryAttempts}), so it
 * never sends records to the on-failure destination by itself. The seed fixes each shard's sequence of decisions;
 * the interleaving of shards and the handler's timing are not replayed.
 */
public final class Chaos {
    private final long seed;
    private final double redeliveries;
    private final double randomTimeouts;
    private final Duration randomTimeoutWindow;
    private final double timeoutsAfterWrites;
    private final int maxWrites;
    private final double throttledReads;
    private final double recycling;
    private final double throttledWrites;
    private final double reshards;
    private final int maxOpenShards;

    private Chaos(long seed, double redeliveries, double randomTimeouts, Duration randomTimeoutWindow,
                  double timeoutsAfterWrites, int maxWrites, double throttledReads, double recycling,
                  double throttledWrites, double reshards, int maxOpenShards) {
        this.seed = seed;
        this.redeliveries = probability(redeliveries, "redeliveries");
        this.randomTimeouts = probability(randomTimeouts, "randomTimeouts");
        this.randomTimeoutWindow = Objects.requireNonNull(randomTimeoutWindow, "randomTimeoutWindow");
        if (randomTimeoutWindow.toMillis() < 1) {
            throw new IllegalArgumentException("randomTimeoutWindow must be at least 1 ms, was " + randomTimeoutWindow);
        }
        this.timeoutsAfterWrites = probability(timeoutsAfterWrites, "timeoutsAfterWrites");
        if (maxWrites < 1) {
            throw new IllegalArgumentException("maxWrites must be at least 1, was " + maxWrites);
        }
        this.maxWrites = maxWrites;
        this.throttledReads = probability(throttledReads, "throttledReads");
        this.recycling = probability(recycling, "recycling");
        this.throttledWrites = probability(throttledWrites, "throttledWrites");
        this.reshards = probability(reshards, "reshards");
        if (maxOpenShards < 1) {
            throw new IllegalArgumentException("maxOpenShards must be at least 1, was " + maxOpenShards);
        }
        this.maxOpenShards = maxOpenShards;
    }

    private static double probability(double p, String name) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], was " + p);
        }
        return p;
    }

    /** @return no faults (the default of every mapping) */
    public static Chaos off() {
        return new Chaos(0, 0, 0, Duration.ofMillis(200), 0, 5, 0, 0, 0, 0, 4);
    }

    /**
     * Every fault at its default rate: redeliveries 0.3 per finished batch, random timeouts 0.1 within 1 s, timeouts
     * after 1..10 writes 0.2, throttled reads 0.2 per call, recycling 0.2 per invocation, one of the first 10 writes
     * throttled 0.1 per invocation; no resharding (see {@link #withReshards}). A batch is then attempted
     * about 1.4 times on average; chaos never takes its last attempt.
     *
     * @param seed fixes each shard's decisions
     * @return the chaos
     */
    public static Chaos seeded(long seed) {
        return new Chaos(seed, 0.3, 0.1, Duration.ofSeconds(1), 0.2, 10, 0.2, 0.2, 0.1, 0, 4);
    }

    /** @param s the seed @return a copy */
    public Chaos withSeed(long s) {
        return new Chaos(s, redeliveries, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                throttledReads, recycling, throttledWrites, reshards, maxOpenShards);
    }

    /** @param p probability per finished batch that the shard is read again from an earlier batch @return a copy */
    public Chaos withRedeliveries(double p) {
        return new Chaos(seed, p, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                throttledReads, recycling, throttledWrites, reshards, maxOpenShards);
    }

    /** @param p probability per invocation @param window the timeout falls in [0, window) @return a copy */
    public Chaos withRandomTimeouts(double p, Duration window) {
        return new Chaos(seed, redeliveries, p, window, timeoutsAfterWrites, maxWrites, throttledReads, recycling,
                throttledWrites, reshards, maxOpenShards);
    }

    /** @param p probability per invocation @param max N is uniform in [1, max] @return a copy */
    public Chaos withTimeoutsAfterWrites(double p, int max) {
        return new Chaos(seed, redeliveries, randomTimeouts, randomTimeoutWindow, p, max, throttledReads, recycling,
                throttledWrites, reshards, maxOpenShards);
    }

    /** @param p probability per GetRecords call @return a copy */
    public Chaos withThrottledReads(double p) {
        return new Chaos(seed, redeliveries, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                p, recycling, throttledWrites, reshards, maxOpenShards);
    }

    /** @param p probability per invocation that its instance is discarded afterwards @return a copy */
    public Chaos withRecycling(double p) {
        return new Chaos(seed, redeliveries, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                throttledReads, p, throttledWrites, reshards, maxOpenShards);
    }

    /**
     * @param p probability per invocation that one of its first {@code maxWrites} writes is throttled (fails before
     *     it is sent, as the service's throttling error)
     * @return a copy
     */
    public Chaos withThrottledWrites(double p) {
        return new Chaos(seed, redeliveries, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                throttledReads, recycling, p, reshards, maxOpenShards);
    }

    /**
     * Resharding mid-run, as the shard scaler (or an operator) does during a peak: after a finished batch, with
     * probability {@code p}, the batch's shard is split at the middle of its hash key range while the stream has
     * fewer than {@code maxOpenShards} open shards, otherwise merged with an adjacent open shard. Kinesis takes one
     * reshard at a time: one asked for while the stream is updating is refused and counted
     * ({@link EsmStats#reshardsRefused()}). The mapping then reads the closed shard to its end and its children
     * after it, as Lambda does. Needs a stream that can reshard (kinesis-mock, kinesalite, LocalStack, AWS).
     *
     * @param p probability per finished batch
     * @param maxOpenShards split only below this many open shards (at least 1)
     * @return a copy
     */
    public Chaos withReshards(double p, int maxOpenShards) {
        return new Chaos(seed, redeliveries, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                throttledReads, recycling, throttledWrites, p, maxOpenShards);
    }

    /** @return the number of open shards below which a chaos reshard splits rather than merges */
    int maxOpenShards() {
        return maxOpenShards;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return true if any fault has a non-zero probability */
    public boolean enabled() {
        return redeliveries > 0 || randomTimeouts > 0 || timeoutsAfterWrites > 0 || throttledReads > 0 || recycling > 0
                || throttledWrites > 0 || reshards > 0;
    }

    /** The decisions of one shard, from the seed and the shard id. */
    Schedule forShard(String shardId) {
        return new Schedule(new Random(seed * 31 + shardId.hashCode()));
    }

    /** One shard's random decisions (used by that shard's thread only). */
    final class Schedule {
        private final Random random;

        private Schedule(Random random) {
            this.random = random;
        }

        /** @return how many earlier batches to go back (1..3), or 0 for no redelivery */
        int redeliverBatches() {
            return random.nextDouble() < redeliveries ? 1 + random.nextInt(3) : 0;
        }

        /** @return a random timeout point in ms, or -1 for none */
        long randomTimeoutMillis() {
            return random.nextDouble() < randomTimeouts ? random.nextInt((int) randomTimeoutWindow.toMillis()) : -1;
        }

        /** @return N for a timeout right after the N-th write, or 0 for none */
        int timeoutAfterWrites() {
            return random.nextDouble() < timeoutsAfterWrites ? 1 + random.nextInt(maxWrites) : 0;
        }

        boolean throttleRead() {
            return random.nextDouble() < throttledReads;
        }

        boolean recycle() {
            return random.nextDouble() < recycling;
        }

        /** @return true to reshard the stream at this shard after a finished batch (no draw when off) */
        boolean reshard() {
            return reshards > 0 && random.nextDouble() < reshards;
        }

        /** @return the attempted write (1-based) to throttle, or 0 for none */
        int throttledWrite() {
            return random.nextDouble() < throttledWrites ? 1 + random.nextInt(maxWrites) : 0;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Chaos c && c.seed == seed && c.redeliveries == redeliveries
                && c.randomTimeouts == randomTimeouts && c.randomTimeoutWindow.equals(randomTimeoutWindow)
                && c.timeoutsAfterWrites == timeoutsAfterWrites && c.maxWrites == maxWrites
                && c.throttledReads == throttledReads && c.recycling == recycling && c.throttledWrites == throttledWrites
                && c.reshards == reshards && c.maxOpenShards == maxOpenShards;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, redeliveries, randomTimeouts, randomTimeoutWindow, timeoutsAfterWrites, maxWrites,
                throttledReads, recycling, throttledWrites, reshards, maxOpenShards);
    }

    @Override
    public String toString() {
        return enabled() ? "Chaos[seed=" + seed + ", redeliveries=" + redeliveries + ", randomTimeouts=" + randomTimeouts
                + " within " + randomTimeoutWindow.toMillis() + " ms, timeoutsAfterWrites=" + timeoutsAfterWrites
                + " (1.." + maxWrites + "), throttledReads=" + throttledReads + ", recycling=" + recycling
                + ", throttledWrites=" + throttledWrites
                + (reshards > 0 ? ", reshards=" + reshards + " (below " + maxOpenShards + " open shards a split)" : "") + "]"
                : "Chaos[off]";
    }
}

package io.sluice.state.replay;

import io.sluice.state.Fence;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An order of the reference workload ({@code amount} in integer cents, {@code ts} epoch ms) with the position the
 * source gave it: a Kinesis-like sequence number of its split.
 */
record Order(String orderId, String category, long amount, long ts, String split, Fence seq) {

    /** First sequence number of generated splits: 56 digits, like real Kinesis ones, far past 64 bits. */
    static final BigInteger FIRST_SEQUENCE = new BigInteger("49590338271490256608559692538361571095921575989136588898");

    /**
     * {@code n} orders over {@code spanMillis} of event time from {@code startMillis} (up to 5 s out of order), in
     * {@code categories} skewed categories, assigned to {@code splits} splits by order id as Kinesis assigns by
     * partition key, with increasing sequence numbers per split. Same seed, same orders.
     */
    static List<Order> generate(int n, long seed, long startMillis, long spanMillis, int categories, int splits) {
        Random random = new Random(seed);
        BigInteger[] next = new BigInteger[splits];
        for (int s = 0; s < splits; s++) {
            next[s] = FIRST_SEQUENCE.add(BigInteger.valueOf(s));
        }
        List<Order> orders = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String orderId = "o-" + i;
            // Squaring a uniform draw skews towards low category numbers: a few hot categories, a long tail.
            double u = random.nextDouble();
            String category = "c-" + (int) (u * u * categories);
            long amount = 100 + random.nextInt(100_000);
            long ts = startMillis + (long) i * spanMillis / n - random.nextInt(5_000);
            int split = Math.floorMod(orderId.hashCode(), splits);
            Fence seq = Fence.of(next[split].toString());
            next[split] = next[split].add(BigInteger.valueOf(1_000_000_007L));
            orders.add(new Order(orderId, category, amount, ts, "shardId-00000000000" + split, seq));
        }
        return orders;
    }

    /** The orders of {@code split}, in sequence order. */
    static List<Order> ofSplit(List<Order> orders, String split) {
        return orders.stream().filter(o -> o.split().equals(split)).toList();
    }
}

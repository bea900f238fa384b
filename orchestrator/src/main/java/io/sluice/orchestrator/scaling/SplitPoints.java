package io.sluice.orchestrator.scaling;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses where to split a hot shard: at the hash key where the cumulative load reaches half. The
 * reported keys are point masses; load not covered by them is taken as spread uniformly over the range.
 * When one key carries more than half, the split lands right before or right after it, whichever
 * leaves the halves closer, so that key ends up (nearly) alone in a child.
 */
final class SplitPoints {
    private SplitPoints() {
    }

    /**
     * @param shard a shard with at least two hash keys
     * @return NewStartingHashKey: strictly greater than the shard's start, at most its end
     */
    static BigInteger loadWeighted(ShardMetrics shard) {
        HashKeyRange range = shard.range();
        List<KeyLoad> keys = new ArrayList<>();
        double pointLoad = 0;
        for (KeyLoad k : shard.keyLoads()) {
            if (range.contains(k.hashKey()) && k.recordsPerSecond() > 0) {
                keys.add(k);
                pointLoad += k.recordsPerSecond();
            }
        }
        if (keys.isEmpty()) {
            return range.midpoint();
        }
        keys.sort(Comparator.comparing(KeyLoad::hashKey));
        double uniform = Math.max(0, shard.demandRecordsPerSecond() - pointLoad);
        double total = uniform + pointLoad;
        double half = total / 2;

        double before = 0;   // load strictly below the current position
        double lastPos = 0;
        for (KeyLoad k : keys) {
            double pos = range.positionOf(k.hashKey());
            double uniformUpTo = before + uniform * (pos - lastPos);
            if (uniformUpTo >= half) {
                // The median falls in the uniform stretch before this key.
                double p = lastPos + (half - before) / uniform;
                return clamp(range, range.keyAt(p));
            }
            double after = uniformUpTo + k.recordsPerSecond();
            if (after >= half) {
                // The median falls on this key: put it in the child that leaves the halves closer.
                double keyLeft = Math.abs(total - 2 * after);       // key goes to the lower child
                double keyRight = Math.abs(total - 2 * uniformUpTo); // key goes to the upper child
                BigInteger cut = keyLeft <= keyRight ? k.hashKey().add(BigInteger.ONE) : k.hashKey();
                return clamp(range, cut);
            }
            before = after;
            lastPos = pos;
        }
        double p = lastPos + (half - before) / Math.max(uniform, Double.MIN_VALUE);
        return clamp(range, range.keyAt(p));
    }

    private static BigInteger clamp(HashKeyRange range, BigInteger key) {
        // Kinesis requires start < NewStartingHashKey <= end: both children non-empty.
        BigInteger low = range.start().add(BigInteger.ONE);
        return key.max(low).min(range.end());
    }
}

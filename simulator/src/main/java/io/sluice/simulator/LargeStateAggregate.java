package io.sluice.simulator;

import io.sluice.functions.api.AccumulatorCodec;
import io.sluice.functions.api.CountAndSum;
import io.sluice.functions.api.CountSumAccumulator;
import io.sluice.functions.api.DistinctValues;
import io.sluice.functions.api.EncodableAggregate;
import io.sluice.functions.api.VarLongCodec;
import io.sluice.functions.examples.Order;

import java.util.Arrays;

/**
 * Count and exact sum, like {@code Aggregates.countAndSum}, with an accumulator that also holds every order id it
 * counted: it grows with the data, as an exact distinct count does, so the simulator's partials outgrow an item.
 * The count and sum still decide overflow (checked before the id is kept), so the checker's rows are unchanged.
 */
final class LargeStateAggregate implements EncodableAggregate<Order, LargeStateAggregate.Acc, CountAndSum> {

    /** Count and sum, and the order ids seen. */
    record Acc(CountSumAccumulator countSum, DistinctValues orderIds) {
    }

    private static final AccumulatorCodec<Acc> CODEC = AccumulatorCodec.of(LargeStateAggregate::encode,
            LargeStateAggregate::decode);

    @Override
    public Acc createAccumulator() {
        return new Acc(new CountSumAccumulator(), new DistinctValues());
    }

    @Override
    public Acc add(Order value, Acc acc) {
        acc.countSum().add(SimPipelines.Variant.stepOf(value));   // throws on overflow before the id is kept
        acc.orderIds().add(value.orderId());
        return acc;
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.countSum().merge(b.countSum());
        return new Acc(a.countSum(), a.orderIds().merge(b.orderIds()));
    }

    @Override
    public CountAndSum result(Acc acc) {
        return new CountAndSum(acc.countSum().count(), acc.countSum().sum());
    }

    @Override
    public AccumulatorCodec<Acc> accumulatorCodec() {
        return CODEC;
    }

    /** The count-and-sum bytes, prefixed by their length, then the ids' own encoding. */
    private static byte[] encode(Acc acc) {
        byte[] countSum = VarLongCodec.COUNT_SUM.encode(acc.countSum());
        byte[] ids = DistinctValues.CODEC.encode(acc.orderIds());
        byte[] out = new byte[1 + countSum.length + ids.length];
        out[0] = (byte) countSum.length;
        System.arraycopy(countSum, 0, out, 1, countSum.length);
        System.arraycopy(ids, 0, out, 1 + countSum.length, ids.length);
        return out;
    }

    private static Acc decode(byte[] bytes) {
        int n = bytes[0];
        return new Acc(VarLongCodec.COUNT_SUM.decode(Arrays.copyOfRange(bytes, 1, 1 + n)),
                DistinctValues.CODEC.decode(Arrays.copyOfRange(bytes, 1 + n, bytes.length)));
    }
}

package io.sluice.functions.runtime;

import io.sluice.functions.api.CountSumAccumulator;
import io.sluice.functions.api.VarLongCodec;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partial item re-written by a later batch reuses the encodings of the keys that batch did not touch and encodes
 * again those it did: the stored accumulators are always the merged ones.
 */
class PartialEncodingReuseTest {

    private static final long T0 = 1_605_052_800_000L;

    @Test
    void secondBatch_reencodesTheKeysItTouched_andReusesTheOthers() {
        CompiledPipeline pipeline = CompiledPipeline.compile(GmvPipelines.byCategory());
        InMemoryStateStore store = new InMemoryStateStore();
        SplitProcessor processor = new SplitProcessor(pipeline, store, "shard-0", new CollectingOutputs(),
                new RunMetrics(), SplitProcessor.Mode.STREAM);
        String touched = "c-1";
        String untouched = keyInTheSameBucketAs(pipeline, touched);
        PartialKey item = new PartialKey(pipeline.name(), new Slot(T0, T0 + 60_000), "shard-0",
                CompiledPipeline.bucketOf(touched, pipeline.definition().keyBuckets()));

        processor.process(batch(0, order(touched, 100), order(untouched, 7)), T0);
        StateEntry untouchedBefore = entry(store.readPartial(item).orElseThrow(), untouched);
        processor.process(batch(2, order(touched, 50)), T0);
        Partial after = store.readPartial(item).orElseThrow();

        assertThat(decode(entry(after, touched))).isEqualTo(new CountSumAccumulator(2, 150));
        assertThat(decode(entry(after, untouched))).isEqualTo(new CountSumAccumulator(1, 7));
        assertThat(entry(after, untouched)).isSameAs(untouchedBefore);
    }

    @Test
    void itemsPatchedOverManyBatches_holdWhatAFreshEncodingOfTheirTotalsHolds() {
        CompiledPipeline pipeline = CompiledPipeline.compile(GmvPipelines.byCategory());
        InMemoryStateStore store = new InMemoryStateStore();
        SplitProcessor processor = new SplitProcessor(pipeline, store, "shard-0", new CollectingOutputs(),
                new RunMetrics(), SplitProcessor.Mode.STREAM);
        java.util.Random random = new java.util.Random(15);
        java.util.Map<String, CountSumAccumulator> expected = new java.util.TreeMap<>();
        long ordinal = 0;
        for (int b = 0; b < 40; b++) {
            String[] lines = new String[1 + random.nextInt(6)];
            for (int i = 0; i < lines.length; i++) {
                String category = "c-" + random.nextInt(b < 20 ? 10 : 60);   // new keys join later batches
                long amount = random.nextInt(1_000);
                lines[i] = order(category, amount);
                expected.merge(category, new CountSumAccumulator(1, amount),
                        (x, y) -> new CountSumAccumulator(x.count() + y.count(), x.sum() + y.sum()));
            }
            processor.process(batch(ordinal, lines), T0);
            ordinal += lines.length;
        }

        java.util.Map<String, CountSumAccumulator> stored = new java.util.TreeMap<>();
        for (int bucket = 0; bucket < GmvPipelines.byCategory().keyBuckets(); bucket++) {
            store.readPartial(new PartialKey(pipeline.name(), new Slot(T0, T0 + 60_000), "shard-0", bucket))
                    .ifPresent(p -> p.entries().forEach(e -> assertThat(stored.put(e.key(), decode(e)))
                            .as("one entry per key").isNull()));
        }
        assertThat(stored).isEqualTo(expected);
    }

    private static String keyInTheSameBucketAs(CompiledPipeline pipeline, String key) {
        for (int i = 2; ; i++) {
            int buckets = pipeline.definition().keyBuckets();
            if (CompiledPipeline.bucketOf("c-" + i, buckets) == CompiledPipeline.bucketOf(key, buckets)) {
                return "c-" + i;
            }
        }
    }

    private static String order(String category, long amount) {
        return "{\"orderId\":\"o-1\",\"userId\":\"u-1\",\"category\":\"" + category + "\",\"amount\":" + amount
                + ",\"ts\":" + (T0 + 1_000) + "}";
    }

    private static LineBatch batch(long firstOrdinal, String... lines) {
        LineBatch batch = new LineBatch(4);
        long ordinal = firstOrdinal;
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            batch.add(bytes, 0, bytes.length, ordinal, ordinal);
            ordinal++;
        }
        return batch;
    }

    private static StateEntry entry(Partial partial, String key) {
        return partial.entries().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
    }

    private static CountSumAccumulator decode(StateEntry entry) {
        return VarLongCodec.COUNT_SUM.decode(entry.accumulator());
    }
}

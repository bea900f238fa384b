package io.sluice.functions.runtime;

import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.runtime.ReplayHarness.OrderBatch;
import io.sluice.state.SplitState;
import io.sluice.state.StateStore;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sluice.functions.runtime.ReplayHarness.SHARDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redeploy that changes a pipeline's {@code keyBuckets} while a batch has failed between two of its item writes:
 * the retry runs on an instance that declares the new count. Each split keeps the count it started with, so the
 * retry writes every key into the item the failed attempt may have written it to: nothing doubled, nothing lost.
 * Written with the declared count instead, a key counts twice when its new item is one the failed attempt had not
 * written, and is skipped when its new item is one it had (its fence says the batch is in): 16 to 1 and 16 to 5 fail
 * after one item write. 1 to 16 cannot fail here: the failing batch has one item, written or not.
 */
class KeyBucketChangeTest {

    private static final Map<String, List<OrderBatch>> BATCHES = ReplayHarness.batches(600, 60);
    private static final String SHARD = SHARDS.get(0);

    @ParameterizedTest(name = "{0} -> {1} buckets")
    @CsvSource({"16, 1", "1, 16", "16, 5"})
    void aRetryAfterTheCountChanged_writesIntoTheItemsOfTheFailedAttempt(int before, int after) {
        CompiledPipeline old = CompiledPipeline.compile(GmvPipelines.byCategory(before));
        CompiledPipeline redeployed = CompiledPipeline.compile(GmvPipelines.byCategory(after));
        List<ResultRow> expected = run(old, old, -1);
        assertThat(expected).isNotEmpty().isEqualTo(run(redeployed, redeployed, -1));

        int writes = 0;
        for (List<ResultRow> rows = run(old, redeployed, 0); rows != null; rows = run(old, redeployed, ++writes)) {
            assertThat(rows).as("crash after %d item writes", writes).isEqualTo(expected);
        }
        assertThat(writes).as("crash points: the items the failing batch writes (most of 16 buckets)")
                .isGreaterThanOrEqualTo(before == 1 ? 1 : 10);
    }

    @ParameterizedTest(name = "{0} -> {1} buckets")
    @CsvSource({"16, 1", "1, 16"})
    void aSplitStartedAfterTheChange_usesTheNewCount(int before, int after) {
        InMemoryStateStore store = new InMemoryStateStore();
        CompiledPipeline old = CompiledPipeline.compile(GmvPipelines.byCategory(before));
        CompiledPipeline redeployed = CompiledPipeline.compile(GmvPipelines.byCategory(after));
        CollectingOutputs outputs = new CollectingOutputs();
        processor(old, store, SHARDS.get(0), outputs).process(BATCHES.get(SHARDS.get(0)).get(0), 0);
        processor(redeployed, store, SHARDS.get(0), outputs).process(BATCHES.get(SHARDS.get(0)).get(1), 0);
        processor(redeployed, store, SHARDS.get(1), outputs).process(BATCHES.get(SHARDS.get(1)).get(0), 0);

        assertThat(store.splits(old.name())).extracting(SplitState::keyBuckets).containsExactly(before, after);
    }

    /**
     * Every batch of one shard; when {@code crashAfter} is not negative, the third batch fails on {@code first}'s
     * instance after that many item writes and it and the rest run on {@code retry}'s.
     *
     * @return the final rows, or null if the third batch writes {@code crashAfter} items or fewer (no crash)
     */
    private static List<ResultRow> run(CompiledPipeline first, CompiledPipeline retry, int crashAfter) {
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingOutputs outputs = new CollectingOutputs();
        AtomicInteger writesLeft = new AtomicInteger(-1);
        SplitProcessor processor = processor(first, ReplayHarness.crashing(store, writesLeft), SHARD, outputs);
        List<OrderBatch> batches = BATCHES.get(SHARD);
        for (int i = 0; i < batches.size(); i++) {
            if (i == 2 && crashAfter >= 0) {
                writesLeft.set(crashAfter);
                try {
                    processor.process(batches.get(i), 0);
                    return null;
                } catch (RuntimeException e) {
                    assertThat(ReplayHarness.isInjectedCrash(e)).as("the injected crash: %s", e).isTrue();
                }
                writesLeft.set(-1);
                processor = processor(retry, store, SHARD, outputs);   // a new instance, after the redeploy
            }
            processor.process(batches.get(i), 0);
            PipelineRun.stream(first, store, outputs, new RunMetrics()).withOwnerPrefix("firer").fire(0);
        }
        processor.finish(0);
        PipelineRun.stream(retry, store, outputs, new RunMetrics()).withOwnerPrefix("final").fire(0);
        return new ArrayList<>(outputs.finalResults());
    }

    private static SplitProcessor processor(CompiledPipeline pipeline, StateStore store, String shard,
                                            CollectingOutputs outputs) {
        return new SplitProcessor(pipeline, store, shard, outputs, new RunMetrics(), SplitProcessor.Mode.STREAM);
    }
}

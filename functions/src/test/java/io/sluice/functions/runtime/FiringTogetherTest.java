package io.sluice.functions.runtime;

import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.state.FiringClaimLostException;
import io.sluice.state.Slot;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;
import io.sluice.state.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fixed windows due in one firing fire together (issue 15): claimed, read, written and completed as a group of up to
 * 16, in end order. A failure before the completions leaves no window fired and every claim released, so the retry
 * fires each window at once and writes the same rows under the same coordinates.
 */
class FiringTogetherTest {

    private static final CompiledPipeline GMV = CompiledPipeline.compile(GmvPipelines.byCategory());
    private static final String NAME = GMV.name();
    private static final String SHARD = "shardId-000000000000";
    private static final long MINUTE = 60_000;
    private static final long NOW = 1_000;

    private final InMemoryStateStore memory = new InMemoryStateStore();

    @Test
    void aFailedResultWrite_completesNoWindow_releasesEveryClaim_andTheRetryFiresEachOnce() {
        // Arrange: three windows due; the sink fails on the second window's rows, once.
        KeyedSink sink = new KeyedSink(MINUTE);
        PipelineRun run = PipelineRun.stream(GMV, memory, sink, new RunMetrics());
        run.apply(SHARD, ordersInWindows(3), NOW);

        // Act
        assertThatThrownBy(() -> run.fire(NOW)).hasMessageContaining("sink unavailable");

        // Assert: the first window's rows were written, yet no window is fired and no claim is held.
        assertThat(sink.writes).containsOnlyKeys(0L);
        assertNoneFiredAndEveryClaimReleased(windows(3));

        // Retry: every window fires once, each row under its coordinates once, as a run without the failure writes.
        sink.writes.clear();
        run.fire(NOW);
        assertThat(sink.writes).containsExactly(Map.entry(0L, 1), Map.entry(MINUTE, 1), Map.entry(2 * MINUTE, 1));
        assertThat(sink.rows).isEqualTo(rowsWithoutFailure(3));
        windows(3).forEach(w -> assertThat(memory.isFired(NAME, w)).as("%s fired", w).isTrue());
        run.fire(NOW);
        assertThat(sink.writes).as("nothing fires twice").containsExactly(Map.entry(0L, 1), Map.entry(MINUTE, 1),
                Map.entry(2 * MINUTE, 1));
    }

    @Test
    void aFailedPartialRead_releasesEveryClaimOfTheGroup() {
        KeyedSink sink = new KeyedSink(-1);
        StateStore store = failingOn("readSlot", 1);                 // the second window's read fails
        PipelineRun run = PipelineRun.stream(GMV, store, sink, new RunMetrics());
        run.apply(SHARD, ordersInWindows(3), NOW);

        assertThatThrownBy(() -> run.fire(NOW)).isInstanceOf(StateStoreException.class);

        assertThat(sink.writes).isEmpty();
        assertNoneFiredAndEveryClaimReleased(windows(3));
    }

    @Test
    void aFailedClaim_releasesTheClaimsTakenBeforeIt() {
        StateStore store = failingOn("claimFiring", 1);              // the first claim is taken, the second fails
        PipelineRun run = PipelineRun.stream(GMV, store, new KeyedSink(-1), new RunMetrics());
        run.apply(SHARD, ordersInWindows(3), NOW);

        assertThatThrownBy(() -> run.fire(NOW)).isInstanceOf(StateStoreException.class);

        assertNoneFiredAndEveryClaimReleased(windows(3));
    }

    @Test
    void aFailedCompletion_leavesTheCompletedFired_andReleasesTheRest_whichTheRetryFires() {
        KeyedSink sink = new KeyedSink(-1);
        StateStore store = failingOn("completeFiring", 1);           // the second window's completion fails
        PipelineRun run = PipelineRun.stream(GMV, store, sink, new RunMetrics());
        run.apply(SHARD, ordersInWindows(3), NOW);

        assertThatThrownBy(() -> run.fire(NOW)).isInstanceOf(StateStoreException.class);

        List<Slot> windows = windows(3);
        assertThat(memory.isFired(NAME, windows.get(0))).isTrue();
        assertThat(memory.isFired(NAME, windows.get(1))).isFalse();
        assertThat(memory.isFired(NAME, windows.get(2))).isTrue();   // completions are independent of each other
        assertThat(memory.claimFiring(NAME, windows.get(1), "another-firer", NOW, MINUTE)).isTrue();
        memory.releaseFiring(NAME, windows.get(1), "another-firer");

        sink.writes.clear();
        run.fire(NOW);
        assertThat(sink.writes).containsExactly(Map.entry(MINUTE, 1));
        assertThat(sink.rows).isEqualTo(rowsWithoutFailure(3));
    }

    @Test
    void aClaimLostWhileFiring_isNotAFailure_theOtherWindowsComplete_andTheOtherFirerFiresIt() {
        // Arrange: while the group fires, this firer's lease lapses and another firer claims the second window.
        List<Slot> windows = windows(3);
        KeyedSink sink = new KeyedSink(-1);
        RunMetrics metrics = new RunMetrics();
        StateStore store = before("completeFiring", 1, () -> assertThat(memory.claimFiring(NAME, windows.get(1),
                "another-firer", NOW + PipelineRun.FIRING_LEASE.toMillis() + 1, MINUTE)).isTrue());
        PipelineRun run = PipelineRun.stream(GMV, store, sink, metrics);
        run.apply(SHARD, ordersInWindows(3), NOW);

        // Act: no exception, so the batch is not reported failed and retried
        run.fire(NOW);

        // Assert: the others completed; the lost one is the other firer's, still pending, and counts as not fired here
        assertThat(memory.isFired(NAME, windows.get(0))).isTrue();
        assertThat(memory.isFired(NAME, windows.get(1))).isFalse();
        assertThat(memory.isFired(NAME, windows.get(2))).isTrue();
        assertThat(memory.pendingSlots(NAME, 3 * MINUTE)).containsExactly(windows.get(1));
        assertThat(metrics.windowsFired()).isEqualTo(2);
        // The other firer completes it; the rows this firer wrote are the ones a firing writes.
        memory.completeFiring(NAME, windows.get(1), "another-firer");
        assertThat(sink.rows).isEqualTo(rowsWithoutFailure(3));
    }

    @Test
    void aStoreFailureBesideALostClaim_failsTheFiring_soTheBatchIsRetried() {
        List<Slot> windows = windows(3);
        StateStore lostAndFailing = new ForwardingProxy(before("completeFiring", 1, () -> memory.claimFiring(NAME,
                windows.get(1), "another-firer", NOW + PipelineRun.FIRING_LEASE.toMillis() + 1, MINUTE)))
                .failingOn("completeFiring", 2);
        PipelineRun run = PipelineRun.stream(GMV, lostAndFailing, new KeyedSink(-1), new RunMetrics());
        run.apply(SHARD, ordersInWindows(3), NOW);

        assertThatThrownBy(() -> run.fire(NOW)).isInstanceOf(StateStoreException.class)
                .isNotInstanceOf(FiringClaimLostException.class).hasMessageContaining("injected failure");

        assertThat(memory.isFired(NAME, windows.get(0))).isTrue();
        assertThat(memory.isFired(NAME, windows.get(2))).isFalse();
    }

    @Test
    void twentyDueWindows_fireInGroupsOfSixteenThenFour_inEndOrder() {
        List<List<Long>> groups = new ArrayList<>();
        Outputs outputs = new KeyedSink(-1) {
            @Override
            public void resultsOfWindows(List<List<ResultRow>> windows) {
                groups.add(windows.stream().map(rows -> rows.get(0).windowStart()).toList());
                super.resultsOfWindows(windows);
            }
        };
        PipelineRun run = PipelineRun.stream(GMV, memory, outputs, new RunMetrics());
        run.apply(SHARD, ordersInWindows(20), NOW);

        run.fire(NOW);

        assertThat(groups).extracting(List::size).containsExactly(WindowFirer.MAX_WINDOWS_PER_FIRING, 4);
        assertThat(groups.stream().flatMap(List::stream).toList())
                .isEqualTo(windows(20).stream().map(Slot::start).toList());
        assertThat(memory.pendingSlots(NAME, 20 * MINUTE)).isEmpty();
    }

    private void assertNoneFiredAndEveryClaimReleased(List<Slot> windows) {
        assertThat(memory.pendingSlots(NAME, windows.get(windows.size() - 1).end())).isEqualTo(windows);
        for (Slot w : windows) {
            assertThat(memory.isFired(NAME, w)).as("%s fired", w).isFalse();
            // Within the lease: only a released claim lets another firer take the window at once.
            assertThat(memory.claimFiring(NAME, w, "another-firer", NOW, MINUTE)).as("%s claimable", w).isTrue();
            memory.releaseFiring(NAME, w, "another-firer");
        }
    }

    /** The rows a run without failures writes, by coordinates. */
    private static Map<String, String> rowsWithoutFailure(int windows) {
        KeyedSink sink = new KeyedSink(-1);
        PipelineRun run = PipelineRun.stream(GMV, new InMemoryStateStore(), sink, new RunMetrics());
        run.apply(SHARD, ordersInWindows(windows), NOW);
        run.fire(NOW);
        return sink.rows;
    }

    private static List<Slot> windows(int n) {
        List<Slot> slots = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            slots.add(new Slot(w * MINUTE, (w + 1) * MINUTE));
        }
        return slots;
    }

    /** Two categories in each of windows 0 .. n - 1, then an order 10 s into window n: windows 0 .. n - 1 are due. */
    private static LineBatch ordersInWindows(int n) {
        List<Order> orders = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            orders.add(new Order("o-" + w + "-a", "u-1", "c-1", 100 + w, w * MINUTE + 1_000));
            orders.add(new Order("o-" + w + "-b", "u-2", "c-2", 200 + w, w * MINUTE + 2_000));
        }
        orders.add(new Order("o-last", "u-1", "c-1", 1, n * MINUTE + 10_000));
        LineBatch batch = new LineBatch(orders.size());
        long ordinal = 1;
        for (Order o : orders) {
            byte[] line = o.toJson().getBytes(StandardCharsets.UTF_8);
            batch.add(line, 0, line.length, ordinal, ordinal);
            ordinal++;
        }
        return batch;
    }

    /** The in-memory store, whose {@code method} fails at its call number {@code failAt} (from 0), once. */
    private StateStore failingOn(String method, int failAt) {
        return new ForwardingProxy(memory).failingOn(method, failAt);
    }

    /** The in-memory store, which runs {@code action} before its call number {@code at} (from 0) of {@code method}. */
    private StateStore before(String method, int at, Runnable action) {
        return new ForwardingProxy(memory).before(method, at, action);
    }

    /**
     * A store forwarding to {@code target}, with the batched calls ({@code completeFirings}...) made one call per window
     * through itself, so that a single call can be intercepted.
     */
    private record ForwardingProxy(StateStore target) {

        StateStore failingOn(String method, int failAt) {
            return before(method, failAt, () -> {
                throw new StateStoreException("injected failure of " + method);
            });
        }

        StateStore before(String method, int at, Runnable action) {
            AtomicInteger calls = new AtomicInteger();
            return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(),
                    new Class<?>[] {StateStore.class}, (proxy, called, args) -> {
                        if (called.getName().equals(method + "s") && called.isDefault()) {
                            return InvocationHandler.invokeDefault(proxy, called, args);   // one call per window
                        }
                        if (called.getName().equals(method) && calls.getAndIncrement() == at) {
                            action.run();
                        }
                        try {
                            return called.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    /**
     * A results sink idempotent by coordinates, as every real one is: rows by (window, key), and how often each window
     * was written. Fails once on the window starting at {@code failOnce} (-1: never).
     */
    private static class KeyedSink implements Outputs {
        final Map<String, String> rows = new TreeMap<>();
        final Map<Long, Integer> writes = new TreeMap<>();
        private long failOnce;

        KeyedSink(long failOnce) {
            this.failOnce = failOnce;
        }

        @Override
        public synchronized void results(List<ResultRow> window) {
            if (!window.isEmpty() && window.get(0).windowStart() == failOnce) {
                failOnce = -1;
                throw new IllegalStateException("sink unavailable (test)");
            }
            for (ResultRow r : window) {
                rows.put(r.windowStart() + "/" + r.windowEnd() + "/" + r.key(), r.value() + "/" + r.isFinal());
            }
            if (!window.isEmpty()) {
                writes.merge(window.get(0).windowStart(), 1, Integer::sum);
            }
        }

        @Override
        public void late(LateRecord record) {
        }

        @Override
        public void rejected(RejectedRecord record) {
        }
    }
}

package io.sluice.state.dynamodb;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrentCallsTest {

    @Test
    void all_fromAnotherPoolsThread_stillSendsItsTasksTogether() {
        ConcurrentCalls sinks = new ConcurrentCalls(2);
        ConcurrentCalls batches = new ConcurrentCalls(2);
        CountDownLatch both = new CountDownLatch(2);
        // Each task finishes only once the other has started: run one after the other, the first waits 10 s in vain.
        Callable<Boolean> meetTheOther = () -> {
            both.countDown();
            return both.await(10, TimeUnit.SECONDS);
        };

        // The second task runs on the sinks' pool thread and fans out on the batches' pool.
        List<Boolean> met = sinks.all(List.of(() -> true,
                () -> batches.all(List.of(meetTheOther, meetTheOther)).stream().allMatch(m -> m)));

        assertThat(met).containsExactly(true, true);
    }

    @Test
    void all_fromItsOwnPoolsThread_runsInline_neverWaitingOnItself() {
        ConcurrentCalls calls = new ConcurrentCalls(2);   // one pool thread, busy with the task that fans out

        List<Object> results = calls.all(List.of(() -> 0, () -> calls.all(List.of(() -> 1, () -> 2))));

        assertThat(results).containsExactly(0, List.of(1, 2));
    }
}

package io.sluice.functions.local;

import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The reject budget of the local side outputs: bounded spools, and exactly the first N rejects passed on. */
class LineOrderedSideOutputsTest {

    /** What the drain passed on, in order (one thread). */
    private static final class Recorded implements Outputs {
        final List<RejectedRecord> rejected = new ArrayList<>();
        final List<LateRecord> late = new ArrayList<>();

        @Override
        public void results(List<ResultRow> rows) {
        }

        @Override
        public void late(LateRecord record) {
            late.add(record);
        }

        @Override
        public void rejected(RejectedRecord record) {
            rejected.add(record);
        }
    }

    private static RejectedRecord reject(String split, long line) {
        return new RejectedRecord("p", split, "line=" + line, "not JSON", "x");
    }

    private static List<String> positions(Recorded outputs) {
        return outputs.rejected.stream().map(RejectedRecord::position).toList();
    }

    @Test
    void aSplitSpoolsAtMostLimitPlusOneRejects_andTheDrainPassesOnExactlyTheFirstLimit_byLine() {
        Recorded outputs = new Recorded();
        RejectBudget budget = new RejectBudget(10, Long.MAX_VALUE, 3);
        LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, 3, budget, false);

        for (long line = 1; line <= 100_000; line++) {
            side.split(2).rejected(reject("s2", 2 * line));
        }
        side.split(0).rejected(reject("s0", 3));
        side.split(0).late(new LateRecord("p", "s0", "line=5", 0, 0, 10, 20, "y"));
        side.split(1).rejected(reject("s1", 9));

        assertThat(budget.exceeded()).isTrue();
        assertThat(side.spooledRejects()).isEqualTo(11 + 1 + 1);
        side.drain();
        assertThat(positions(outputs)).containsExactly("line=2", "line=3", "line=4", "line=6", "line=8", "line=9",
                "line=10", "line=12", "line=14", "line=16");
        assertThat(outputs.late).extracting(LateRecord::position).containsExactly("line=5");
    }

    @Test
    void batchTasksDrainByTaskThenLine_soATaskAfterOneThatStoppedEarlyCannotJumpAhead() {
        Recorded outputs = new Recorded();
        RejectBudget budget = new RejectBudget(5, Long.MAX_VALUE, 3);
        LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, 3, budget, true);
        side.split(0).rejected(reject("task-0", 7));
        LongStream.rangeClosed(1, 50).forEach(line -> side.split(1).rejected(reject("task-1", line)));
        LongStream.rangeClosed(1, 50).forEach(line -> side.split(2).rejected(reject("task-2", line)));

        // Task 1 stopped after 50 lines, so task 2's offset (100 + 50) is short of where it really starts.
        assertThat(budget.exhaustedUpTo(0)).isFalse();
        assertThat(budget.exhaustedUpTo(1)).isTrue();
        side.drain(new long[] {0, 100, 150});

        assertThat(positions(outputs)).containsExactly("line=7", "line=101", "line=102", "line=103", "line=104");
    }

    @Test
    void aByteLimit_capsEachSpool_andTheDrainStopsBeforeTheRejectThatWouldPassIt() {
        Recorded outputs = new Recorded();
        RejectBudget budget = new RejectBudget(Long.MAX_VALUE, 1_000, 2);
        LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, 2, budget, false);
        LongStream.rangeClosed(1, 10_000).forEach(line -> side.split((int) (line % 2)).rejected(reject("s", line)));

        assertThat(budget.exceeded()).isTrue();
        assertThat(side.spooledRejects()).isLessThan(40);
        LineOrderedSideOutputs.Drained drained = side.drain();

        assertThat(drained.cut()).isTrue();
        assertThat(drained.byBytes()).isTrue();
        assertThat(drained.rejects()).isEqualTo(outputs.rejected.size()).isBetween(5L, 20L);
        assertThat(positions(outputs)).isEqualTo(LongStream.rangeClosed(1, drained.rejects()).mapToObj(l -> "line=" + l)
                .toList());
    }

    @Test
    void withoutALimit_everyRejectIsSpooledAndPassedOn() {
        Recorded outputs = new Recorded();
        RejectBudget budget = new RejectBudget(Long.MAX_VALUE, Long.MAX_VALUE, 2);
        LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, 2, budget, false);
        LongStream.rangeClosed(1, 1_000).forEach(line -> side.split((int) (line % 2)).rejected(reject("s", line)));

        side.drain();

        assertThat(budget.exceeded()).isFalse();
        assertThat(outputs.rejected).hasSize(1_000);
        assertThat(positions(outputs).get(999)).isEqualTo("line=1000");
    }
}

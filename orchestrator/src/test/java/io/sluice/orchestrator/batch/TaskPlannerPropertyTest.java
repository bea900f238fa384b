package io.sluice.orchestrator.batch;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-range planning: whatever the object's lines and the task size, every line is owned by exactly one task when
 * each task reads as the batch function does ({@code S3ObjectTask}: from {@code start - 1} skip through the first
 * newline, then take lines while their first byte is before {@code end}).
 */
class TaskPlannerPropertyTest {

    @Property(tries = 300)
    void everyLine_isOwnedByExactlyOneTask(@ForAll("objects") List<String> lines,
                                           @ForAll @LongRange(min = 1, max = 400) long maxTaskBytes) {
        byte[] object = join(lines);
        List<BatchTask> tasks = TaskPlanner.of(maxTaskBytes).plan("job", List.of(new ObjectRef("b", "k", null,
                object.length)), o -> false);

        List<String> read = new ArrayList<>();
        for (BatchTask t : tasks) {
            read.addAll(readRange(object, t.rangeStart(), t.rangeEnd()));
        }

        assertThat(read).containsExactlyElementsOf(splitLines(object));
        assertThat(tasks).allMatch(t -> !t.ranged() || t.rangeEnd() - t.rangeStart() <= maxTaskBytes
                || t.rangeEnd() == Long.MAX_VALUE);
    }

    @Test
    void smallAndCompressedObjects_areOneTaskEach_andIdsFollowTheManifestOrder() {
        List<BatchTask> tasks = TaskPlanner.of(100).plan("nightly", List.of(
                new ObjectRef("b", "small", null, 100), new ObjectRef("b", "big.gz", null, 1_000),
                new ObjectRef("b", "big", "v1", 250), new ObjectRef("b", "missing", null, -1)),
                o -> o.key().endsWith(".gz"));

        assertThat(tasks).extracting(BatchTask::taskId).containsExactly("nightly-00000", "nightly-00001",
                "nightly-00002", "nightly-00003", "nightly-00004", "nightly-00005");
        assertThat(tasks.get(0).ranged()).isFalse();
        assertThat(tasks.get(1).ranged()).isFalse();
        assertThat(tasks.subList(2, 5)).extracting(BatchTask::rangeStart).containsExactly(0L, 84L, 168L);
        assertThat(tasks.get(4).rangeEnd()).isEqualTo(Long.MAX_VALUE);
        assertThat(tasks.subList(2, 5)).allMatch(t -> "v1".equals(t.versionId()));
        assertThat(tasks.get(5).ranged()).isFalse();
    }

    @Provide
    Arbitrary<List<String>> objects() {
        Arbitrary<String> line = Arbitraries.strings().withChars("ab{}\":,é").ofMinLength(0).ofMaxLength(60);
        return line.list().ofMinSize(0).ofMaxSize(40);
    }

    /** Lines joined by {@code \n}; the last one unterminated half of the time, as real objects are. */
    private static byte[] join(List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            out.writeBytes(lines.get(i).getBytes(StandardCharsets.UTF_8));
            if (i < lines.size() - 1 || lines.size() % 2 == 0) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static List<String> splitLines(byte[] object) {
        return readRange(object, 0, Long.MAX_VALUE);
    }

    /** The reading rule of the batch function's byte-range tasks, on an array. */
    private static List<String> readRange(byte[] object, long start, long end) {
        int pos = (int) Math.min(object.length, start > 0 ? start - 1 : 0);
        if (start > 0) {
            while (pos < object.length && object[pos++] != '\n') {
                // skip the line that started before the range
            }
        }
        List<String> lines = new ArrayList<>();
        while (pos < object.length && pos < end) {
            int from = pos;
            while (pos < object.length && object[pos] != '\n') {
                pos++;
            }
            lines.add(new String(object, from, pos - from, StandardCharsets.UTF_8));
            pos++; // the newline
        }
        return lines;
    }
}

package io.sluice.orchestrator.batch;

import io.sluice.state.coordination.BatchTask;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-range planning: whatever the object's lines and the task size, every line is owned by exactly one task when
 * each task reads as the batch function does ({@code S3ObjectTask}: from {@code start - 1} skip through the first
 * newline, then take lines while their first byte is before {@code end}).
 */
class TaskPlannerPropertyTest {

    /** The characters of generated lines: JSON punctuation and a two-byte one, so ranges can split a character. */
    private static final String CHARS = "ab{}\":,é";

    @ParameterizedTest(name = "[{index}] {0}, tasks of up to {1} bytes")
    @MethodSource("objects")
    void everyLine_isOwnedByExactlyOneTask(List<String> lines, long maxTaskBytes) {
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

    @Test
    void smallObjects_shareTasks_inManifestOrder_withinTheCountAndByteBounds_andCutOrMissingOnesStandAlone() {
        List<ObjectRef> objects = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            objects.add(new ObjectRef("b", "s" + i, null, 30, "e" + i));
        }
        objects.add(3, new ObjectRef("b", "big", null, 250, "eb"));     // cut into ranges: ends the group
        objects.add(6, new ObjectRef("b", "missing", null, -1));        // reported by name: a task of its own

        List<BatchTask> tasks = TaskPlanner.of(100).withObjectsPerTask(3).plan("j", objects, o -> false);

        // s0 s1 s2 | big x3 | s3 s4 | missing | s5 s6: at most 3 objects and 100 bytes (3 x 30) per task
        assertThat(tasks).extracting(BatchTask::key).containsExactly("s0", "big", "big", "big", "s3", "missing", "s5");
        assertThat(tasks).extracting(t -> t.more().stream().map(BatchTask.Part::key).toList()).containsExactly(
                List.of("s1", "s2"), List.of(), List.of(), List.of(), List.of("s4"), List.of(), List.of("s6"));
        assertThat(tasks.get(0).more()).extracting(BatchTask.Part::etag).containsExactly("e1", "e2");
        assertThat(tasks).extracting(BatchTask::taskId).containsExactly("j-00000", "j-00001", "j-00002", "j-00003",
                "j-00004", "j-00005", "j-00006");
        assertThat(TaskPlanner.of(50).withObjectsPerTask(3).plan("j", objects.subList(0, 3), o -> false))
                .as("two objects of 30 bytes exceed tasks of 50").extracting(t -> t.more().size())
                .containsExactly(0, 0, 0);
    }

    /**
     * 300 cases: no line, one empty line, one line of the first and one of the last character, and 40 lines of 60
     * (the largest object), each with tasks of 1, 2, 399 and 400 bytes; then up to 40 lines of up to 60 characters
     * with tasks of 1 to 400 bytes (half of them up to 40, so objects split into many tasks), drawn from their own
     * seed, which names the case.
     */
    static Stream<Arguments> objects() {
        List<Arguments> cases = new ArrayList<>();
        for (long maxTaskBytes : new long[] {1, 2, 399, 400}) {
            cases.add(Arguments.of(Named.of("no line", List.of()), maxTaskBytes));
            cases.add(Arguments.of(Named.of("one empty line", List.of("")), maxTaskBytes));
            cases.add(Arguments.of(Named.of("one line \"a\"", List.of("a")), maxTaskBytes));
            cases.add(Arguments.of(Named.of("one line \"é\"", List.of("é")), maxTaskBytes));
            cases.add(Arguments.of(Named.of("40 lines of 60 chars",
                    Collections.nCopies(40, "{\"ab\":\"é\"}".repeat(6))), maxTaskBytes));
        }
        Random seeds = new Random(300);
        while (cases.size() < 300) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            List<String> lines = new ArrayList<>();
            for (int n = random.nextInt(41); n > 0; n--) {
                StringBuilder line = new StringBuilder();
                for (int c = random.nextInt(61); c > 0; c--) {
                    line.append(CHARS.charAt(random.nextInt(CHARS.length())));
                }
                lines.add(line.toString());
            }
            cases.add(Arguments.of(Named.of("seed " + seed + ", " + lines.size() + " lines", lines),
                    1 + (long) random.nextInt(random.nextBoolean() ? 40 : 400)));
        }
        return cases.stream();
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

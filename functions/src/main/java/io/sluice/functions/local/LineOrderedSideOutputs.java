package io.sluice.functions.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The local drivers' late and rejected records, passed on in input line order whichever thread ran their split:
 * each split's go to its own temporary file (a split meets its lines in order), and {@link #drain} merges the files
 * by line number. Results go straight through. Memory stays bounded however many records are late or bad. A stream
 * shard's lines are numbered in the whole input; a batch task counts from its own first line, so draining adds each
 * task's offset (the lines of the tasks before it).
 *
 * <p>Side records count against a {@link RejectBudget}: a split spools only its first ones up to just past the
 * limits, and the drain stops at the first record that would pass a limit (the {@code (limit + 1)}th reject, or the
 * record, reject or late, that would take them past {@code byteLimit} spooled bytes), so downstream gets exactly the
 * first records within the limits. Batch drains by task, then line: the same order as by
 * whole-input line, and it stays right when a task stopped early and the offsets after it are short.
 *
 * <pre>{@code
 * LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, shards, new RejectBudget(n, bytes, shards), false);
 * run.processor(split, side.split(s));   // PipelineRun: late and rejected records of split s go through it
 * ...
 * side.drain();                 // stream: late and rejected records reach outputs, by line
 * side.drain(taskLineOffsets);  // batch: by line once each task's offset is added
 * }</pre>
 */
final class LineOrderedSideOutputs {

    /** ASCII only (non-ASCII escaped): the spool never meets a character its UTF-8 writer cannot encode. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final String LINE = "line=";

    private final Outputs downstream;
    private final Spool[] spools;
    private final RejectBudget budget;
    private final Comparator<Head> order;

    /**
     * @param budget    rejects of all splits count against it; its size is the number of splits
     * @param taskOrder drain by split then line (batch tasks) instead of by line then split (stream shards)
     */
    LineOrderedSideOutputs(Outputs downstream, int splits, RejectBudget budget, boolean taskOrder) {
        this.downstream = downstream;
        this.budget = budget;
        this.spools = new Spool[splits];
        for (int s = 0; s < splits; s++) {
            spools[s] = new Spool(s);
        }
        this.order = taskOrder ? Comparator.comparingInt(Head::shard).thenComparingLong(Head::line)
                : Comparator.comparingLong(Head::line).thenComparingInt(Head::shard);
    }

    /** The outputs of split {@code s}'s processor; one thread at a time per split. */
    Outputs split(int s) {
        return spools[s];
    }

    /** Rejects now in the spools, all splits together: at most {@code splits * (limit + 1)}. */
    long spooledRejects() {
        long n = 0;
        for (Spool spool : spools) {
            n += spool.rejects;
        }
        return n;
    }

    /** Passes every spooled record on, in line order, and deletes the spools (line numbers of the whole input). */
    Drained drain() {
        return drain(new long[spools.length]);
    }

    /**
     * What a drain passed on.
     *
     * @param rejects rejects passed on
     * @param cut     whether it stopped at a reject that would pass a limit
     * @param byBytes whether that limit was the byte limit
     */
    record Drained(long rejects, boolean cut, boolean byBytes) {
    }

    /**
     * Passes every spooled record on, in line order, with {@code line=N} turned into {@code line=N+lineOffsets[s]}
     * for split {@code s}, and deletes the spools. Stops before the first reject that would pass a limit of the
     * budget.
     */
    Drained drain(long[] lineOffsets) {
        List<BufferedReader> readers = new ArrayList<>();
        long passed = 0;
        long passedBytes = 0;
        try {
            PriorityQueue<Head> heads = new PriorityQueue<>(order);
            for (int s = 0; s < spools.length; s++) {
                BufferedReader reader = spools[s].reader();
                readers.add(reader);
                Head head = next(reader, s, lineOffsets[s]);
                if (head != null) {
                    heads.add(head);
                }
            }
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                ObjectNode record = (ObjectNode) head.entry().get("record");
                if (lineOffsets[head.shard()] != 0 && head.line() != Long.MAX_VALUE) {
                    record.put("position", LINE + head.line());
                }
                if (head.entry().get("kind").asText().equals("late")) {
                    if (!budget.fits(passed, passedBytes, head.size())) {
                        return new Drained(passed, true, true);
                    }
                    downstream.late(JSON.treeToValue(record, LateRecord.class));
                    passedBytes += head.size();
                } else if (!budget.fits(passed + 1, passedBytes, head.size())) {
                    return new Drained(passed, true, passed + 1 <= budget.limit());
                } else {
                    downstream.rejected(JSON.treeToValue(record, RejectedRecord.class));
                    passed++;
                    passedBytes += head.size();
                }
                Head following = next(readers.get(head.shard()), head.shard(), lineOffsets[head.shard()]);
                if (following != null) {
                    heads.add(following);
                }
            }
            return new Drained(passed, false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge spooled late and rejected records: " + e.getMessage(), e);
        } finally {
            for (BufferedReader r : readers) {
                try {
                    if (r != null) {
                        r.close();
                    }
                } catch (IOException ignored) {
                    // a temporary file: nothing to save
                }
            }
            for (Spool spool : spools) {
                spool.delete();
            }
        }
    }

    /** The next spooled record of a split, with its line number in the whole input, or null at the end. */
    private static Head next(BufferedReader reader, int shard, long lineOffset) throws IOException {
        String line = reader == null ? null : reader.readLine();
        if (line == null) {
            return null;
        }
        JsonNode entry = JSON.readTree(line);
        String position = entry.get("record").get("position").asText();
        long number = position.startsWith(LINE) ? Long.parseLong(position.substring(LINE.length())) + lineOffset : Long.MAX_VALUE;
        return new Head(number, shard, entry, line.length() + 1);
    }

    /** A split's next spooled record; {@code size}: its spooled bytes (ASCII), what the byte limit counts. */
    private record Head(long line, int shard, JsonNode entry, int size) {
    }

    /** One split's spool: a temporary file created on the first record. */
    private final class Spool implements Outputs {
        private final int split;
        private long rejects;
        private Path file;
        private BufferedWriter writer;

        Spool(int split) {
            this.split = split;
        }

        @Override
        public void results(List<ResultRow> rows) {
            downstream.results(rows);
        }

        @Override
        public void late(LateRecord record) {
            if (budget.admitLate(split)) {
                budget.spooled(split, write("late", record));
            }
        }

        @Override
        public void rejected(RejectedRecord record) {
            if (budget.admit(split)) {
                budget.spooled(split, write("rejected", record));
                rejects++;
            }
        }

        /** Spools a record; returns its bytes (ASCII JSON and a newline). */
        private long write(String kind, Object record) {
            try {
                if (writer == null) {
                    file = Files.createTempFile("sluice-side-", ".jsonl");
                    file.toFile().deleteOnExit();
                    writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                }
                String line = JSON.writeValueAsString(new Entry(kind, record));
                writer.write(line);
                writer.write('\n');
                return line.length() + 1L;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool a " + kind + " record: " + e.getMessage(), e);
            }
        }

        BufferedReader reader() throws IOException {
            if (writer == null) {
                return null;
            }
            writer.close();
            writer = null;
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }

        void delete() {
            try {
                if (writer != null) {
                    writer.close();
                    writer = null;
                }
                if (file != null) {
                    Files.deleteIfExists(file);
                    file = null;
                }
            } catch (IOException ignored) {
                // deleteOnExit removes it later
            }
        }
    }

    private record Entry(String kind, Object record) {
    }
}

package io.sluice.functions.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The stream driver's late and rejected records, passed on in input line order whichever thread ran their shard:
 * each shard's go to its own temporary file (a shard meets its lines in order), and {@link #drain} merges the files
 * by line number. Results go straight through. Memory stays bounded however many records are late or bad.
 *
 * <pre>{@code
 * LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, shards);
 * new SplitProcessor(pipeline, store, split, side.shard(s), metrics, SplitProcessor.Mode.STREAM);
 * ...
 * side.drain();   // after the last batch: late and rejected records reach outputs, by line
 * }</pre>
 */
final class LineOrderedSideOutputs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINE = "line=";

    private final Outputs downstream;
    private final Spool[] spools;

    LineOrderedSideOutputs(Outputs downstream, int shards) {
        this.downstream = downstream;
        this.spools = new Spool[shards];
        for (int s = 0; s < shards; s++) {
            spools[s] = new Spool();
        }
    }

    /** The outputs of shard {@code s}'s processor; one thread at a time per shard. */
    Outputs shard(int s) {
        return spools[s];
    }

    /** Passes every spooled record on, in line order, and deletes the spools. */
    void drain() {
        List<BufferedReader> readers = new ArrayList<>();
        try {
            PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparingLong(Head::line).thenComparingInt(Head::shard));
            for (int s = 0; s < spools.length; s++) {
                BufferedReader reader = spools[s].reader();
                readers.add(reader);
                Head head = next(reader, s);
                if (head != null) {
                    heads.add(head);
                }
            }
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                JsonNode record = head.entry().get("record");
                if (head.entry().get("kind").asText().equals("late")) {
                    downstream.late(JSON.treeToValue(record, LateRecord.class));
                } else {
                    downstream.rejected(JSON.treeToValue(record, RejectedRecord.class));
                }
                Head following = next(readers.get(head.shard()), head.shard());
                if (following != null) {
                    heads.add(following);
                }
            }
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

    /** The next spooled record of a shard, with its line number, or null at the end. */
    private static Head next(BufferedReader reader, int shard) throws IOException {
        String line = reader == null ? null : reader.readLine();
        if (line == null) {
            return null;
        }
        JsonNode entry = JSON.readTree(line);
        String position = entry.get("record").get("position").asText();
        long number = position.startsWith(LINE) ? Long.parseLong(position.substring(LINE.length())) : Long.MAX_VALUE;
        return new Head(number, shard, entry);
    }

    private record Head(long line, int shard, JsonNode entry) {
    }

    /** One shard's spool: a temporary file created on the first record. */
    private final class Spool implements Outputs {
        private Path file;
        private BufferedWriter writer;

        @Override
        public void results(List<ResultRow> rows) {
            downstream.results(rows);
        }

        @Override
        public void late(LateRecord record) {
            write("late", record);
        }

        @Override
        public void rejected(RejectedRecord record) {
            write("rejected", record);
        }

        private void write(String kind, Object record) {
            try {
                if (writer == null) {
                    file = Files.createTempFile("sluice-side-", ".jsonl");
                    file.toFile().deleteOnExit();
                    writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                }
                writer.write(JSON.writeValueAsString(new Entry(kind, record)));
                writer.write('\n');
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

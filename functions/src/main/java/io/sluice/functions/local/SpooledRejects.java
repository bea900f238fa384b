package io.sluice.functions.local;

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
import java.util.List;

/**
 * Holds a batch task's rejected records in a temporary file until the task's first line number in the whole input
 * is known (the sum of the earlier tasks' line counts), then passes them on with absolute line numbers. Memory stays
 * bounded however many lines are bad.
 */
final class SpooledRejects implements Outputs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINE = "line=";

    private final Outputs downstream;
    private Path file;
    private BufferedWriter writer;

    SpooledRejects(Outputs downstream) {
        this.downstream = downstream;
    }

    @Override
    public void results(List<ResultRow> rows) {
        downstream.results(rows);
    }

    @Override
    public void late(LateRecord record) {
        downstream.late(record);
    }

    @Override
    public synchronized void rejected(RejectedRecord record) {
        try {
            if (writer == null) {
                file = Files.createTempFile("sluice-rejects-", ".jsonl");
                file.toFile().deleteOnExit();
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            }
            writer.write(JSON.writeValueAsString(record));
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool rejected record: " + e.getMessage(), e);
        }
    }

    /** Passes the spooled records on, with {@code line=N} turned into {@code line=N+lineBase}; deletes the spool. */
    synchronized void replay(long lineBase) {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    RejectedRecord r = JSON.readValue(line, RejectedRecord.class);
                    String position = r.position().startsWith(LINE)
                            ? LINE + (Long.parseLong(r.position().substring(LINE.length())) + lineBase)
                            : r.position();
                    downstream.rejected(new RejectedRecord(r.pipeline(), r.split(), position, r.reason(), r.record()));
                }
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay spooled rejects: " + e.getMessage(), e);
        } finally {
            writer = null;
        }
    }
}

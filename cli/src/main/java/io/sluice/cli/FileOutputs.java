package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.runtime.ResultCsv;
import io.sluice.functions.runtime.CollectingOutputs;
import io.sluice.functions.runtime.LateRecord;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.ResultRow;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's outputs: final results kept until the end and written sorted as CSV; rejected and late records
 * streamed as JSON lines (rejected: {@code {"line":17,"reason":"field amount: missing","record":"..."}}); early
 * updates streamed as CSV if asked for. The rejects and late files are always (re)created, so a stale file of an
 * earlier run never misleads. {@code --max-rejects} is enforced by the runner, which stops reading and passes on only
 * the first N rejects ({@link io.sluice.functions.local.LocalRunner#withMaxRejects}); no results are then written.
 */
final class FileOutputs implements Outputs, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResultCsv csv;
    private final Path out;
    private final List<ResultRow> finalRows = new ArrayList<>();
    private final Writer rejects;
    private final Writer late;
    private final Writer updates;

    /**
     * @param out the results CSV, or null when {@link #writeResults(PrintStream)} writes them to a stream
     */
    FileOutputs(PipelineDefinition<?> definition, Path out, Path rejectsFile, Path lateFile, Path updatesFile)
            throws IOException {
        this.csv = ResultCsv.of(definition);
        this.out = out;
        Path parent = out == null ? null : out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.rejects = Files.newBufferedWriter(rejectsFile, StandardCharsets.UTF_8);
        this.late = Files.newBufferedWriter(lateFile, StandardCharsets.UTF_8);
        this.updates = updatesFile == null ? null : Files.newBufferedWriter(updatesFile, StandardCharsets.UTF_8);
        if (updates != null) {
            updates.write("is_final," + csv.header() + "\n");
        }
    }

    @Override
    public synchronized void results(List<ResultRow> rows) {
        for (ResultRow row : rows) {
            if (row.isFinal()) {
                finalRows.add(row);
            } else if (updates != null) {
                write(updates, "false," + csv.line(row) + "\n");
            }
        }
    }

    @Override
    public synchronized void late(LateRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("split", record.split());
        putPosition(node, record.position());
        node.put("ts", record.timestamp());
        node.put("window_start_ms", record.windowStart());
        node.put("window_end_ms", record.windowEnd());
        node.put("watermark", record.watermark());
        node.put("record", record.record());
        write(late, node + "\n");
    }

    @Override
    public synchronized void rejected(RejectedRecord record) {
        ObjectNode node = JSON.createObjectNode();
        putPosition(node, record.position());
        node.put("reason", record.reason());
        node.put("record", record.record());
        write(rejects, node + "\n");
    }

    /** Writes the final results to {@code target} (standard output), sorted by window start then key. */
    synchronized void writeResults(PrintStream target) throws IOException {
        finalRows.sort(CollectingOutputs.ROW_ORDER);
        Writer writer = new BufferedWriter(new OutputStreamWriter(target, StandardCharsets.UTF_8));
        csv.write(finalRows, writer);
        writer.flush();
    }

    /** Writes the final results to the {@code out} file, sorted by window start then key. */
    synchronized void writeResults() throws IOException {
        finalRows.sort(CollectingOutputs.ROW_ORDER);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (BufferedWriter writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            csv.write(finalRows, writer);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized void close() throws IOException {
        rejects.close();
        late.close();
        if (updates != null) {
            updates.close();
        }
    }

    private static void putPosition(ObjectNode node, String position) {
        if (position.startsWith("line=")) {
            node.put("line", Long.parseLong(position.substring(5)));
        } else {
            node.put("position", position);
        }
    }

    private static void write(Writer writer, String text) {
        try {
            writer.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

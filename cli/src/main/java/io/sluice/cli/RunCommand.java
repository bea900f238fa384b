package io.sluice.cli;

import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.exception.UnknownPipelineException;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.local.RunSummary;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.state.memory.InMemoryStateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code sluice run}: runs a registered pipeline over a local file in batch mode (parallel byte-range tasks) or
 * stream mode (simulated Kinesis shards), with the production runtime and an in-memory state store.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a pipeline over a local file (batch or stream mode) and write its results as CSV.")
final class RunCommand implements Callable<Integer> {

    enum Mode { batch, stream }

    @Option(names = "--pipeline", required = true, description = "Pipeline name, e.g. gmv-by-category or gmv-total.")
    String pipeline;

    @Option(names = "--input", required = true, description = "JSON lines file (plain or .gz), or - for standard input.")
    String input;

    @Option(names = "--out", required = true, description = "Results CSV: header, then rows sorted by window start and key.")
    Path out;

    @Option(names = "--mode", defaultValue = "batch", description = "batch or stream. Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--shards", defaultValue = "4", description = "Stream mode: simulated shards. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--tasks", description = "Batch mode: parallel byte-range tasks. Default: number of cores.")
    Integer tasks;

    @Option(names = "--batch-size", description = "Records per invocation. Default: 100000 in batch mode, 1000 in stream mode.")
    Integer batchSize;

    @Option(names = {"--dead-letters", "--rejects"}, description = "Dead letters: records that cannot be counted, with their reason (JSON lines: line, reason, record). Default: next to --out. (--rejects: the former name)")
    Path rejects;

    @Option(names = "--late", description = "Late records (JSON lines). Default: next to --out.")
    Path late;

    @Option(names = "--updates", description = "Also write early (non-final) updates here, as CSV.")
    Path updates;

    @Option(names = "--quiet", description = "No progress bar and no summary.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PipelineDefinition<?> definition;
        try {
            definition = PipelineRegistry.builtIn().get(pipeline);
        } catch (UnknownPipelineException e) {
            throw new SluiceCommand.UsageException(e.getMessage());
        }
        requireRange("--shards", shards, 1024);
        int size = requireRange("--batch-size", batchSize != null ? batchSize : mode == Mode.batch ? 100_000 : 1_000,
                10_000_000);
        int taskCount = requireRange("--tasks", tasks != null ? tasks : Runtime.getRuntime().availableProcessors(), 1024);
        LocalInput source;
        try {
            source = "-".equals(input) ? LocalInput.stdin() : LocalInput.of(Path.of(input));
        } catch (NoSuchFileException e) {
            throw new SluiceCommand.UsageException("input file not found: " + input);
        }
        Path rejectsFile = rejects != null ? rejects : sibling(out, ".dead-letters.jsonl");
        Path lateFile = late != null ? late : sibling(out, ".late.jsonl");

        ProgressBar bar = quiet ? null : ProgressBar.onTerminal(source.size());
        LocalRunner runner = mode == Mode.batch ? LocalRunner.batch(taskCount, size) : LocalRunner.stream(shards, size);
        if (bar != null) {
            runner.withProgress(bar);
        }
        RunSummary summary;
        try (FileOutputs outputs = new FileOutputs(definition, out, rejectsFile, lateFile, updates)) {
            summary = runner.run(CompiledPipeline.compile(definition), source, new InMemoryStateStore(), outputs);
            outputs.writeResults();
        } finally {
            if (bar != null) {
                bar.done();
            }
        }
        if (!quiet) {
            var m = summary.metrics();
            System.err.printf("%s: %s%n", definition.name(), summary.describe());
            System.err.printf("results: %s (%d rows)%n", out, m.rowsOut());
            if (m.rejected() > 0) {
                System.err.printf("dead letters: %d records, see %s%n", m.rejected(), rejectsFile);
            }
            if (m.late() > 0) {
                System.err.printf("late: %d records, see %s%n", m.late(), lateFile);
            }
            if (m.blankLines() > 0) {
                System.err.printf("blank lines skipped: %d%n", m.blankLines());
            }
        }
        return 0;
    }

    private static int requireRange(String option, int value, int max) {
        if (value < 1 || value > max) {
            throw new SluiceCommand.UsageException(option + " must be in [1, " + max + "] but was " + value);
        }
        return value;
    }

    /** {@code gmv.csv} → {@code gmv.dead-letters.jsonl} in the same directory. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return file.resolveSibling(stem + suffix);
    }
}

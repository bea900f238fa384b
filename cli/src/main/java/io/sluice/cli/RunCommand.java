package io.sluice.cli;

import io.sluice.functions.api.PipelineDefinition;
import io.sluice.functions.api.PipelineRegistry;
import io.sluice.functions.exception.UnknownPipelineException;
import io.sluice.functions.local.LocalInput;
import io.sluice.functions.local.LocalRunner;
import io.sluice.functions.local.RejectLimitExceededException;
import io.sluice.functions.local.RunSummary;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.state.memory.InMemoryStateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--jar", description = "A jar with your own pipelines: a PipelineRegistry.Provider named in its "
            + "META-INF/services/io.sluice.functions.api.PipelineRegistry$Provider. Repeatable.")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--input", required = true, description = "JSON lines file (plain or .gz), or - for standard input.")
    String input;

    @Option(names = "--out", required = true,
            description = "Results CSV (header, then rows sorted by window start and key), or - for standard output.")
    String out;

    @Option(names = {"--max-dead-letters", "--max-rejects"}, description = "Stop reading (exit code 3) as soon as "
            + "more than this many records go to the dead letters; the dead-letters file then holds the first N in "
            + "input order and no results are written. Default: no limit on the count (--max-side-output-bytes still "
            + "applies). (--max-rejects: the former name)")
    Long maxRejects;

    @Option(names = "--max-side-output-bytes", defaultValue = "1073741824", description = "Stop the same way (exit "
            + "code 3) once dead letters and late records together take more than this many bytes, so a small gzip "
            + "cannot fill the disk. Default: ${DEFAULT-VALUE} (1 GiB).")
    long maxRejectBytes;

    @Option(names = "--mode", defaultValue = "batch", description = "batch or stream. Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--shards", description = "Stream mode: simulated shards. Default: 4.")
    Integer shards;

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
            definition = registry().get(pipeline);
        } catch (UnknownPipelineException e) {
            throw new SluiceCommand.UsageException(e.getMessage());
        }
        int shardCount = requireRange("--shards", shards != null ? shards : 4, 1024);
        int size = requireRange("--batch-size", batchSize != null ? batchSize : mode == Mode.batch ? 100_000 : 1_000,
                10_000_000);
        int taskCount = requireRange("--tasks", tasks != null ? tasks : Runtime.getRuntime().availableProcessors(), 1024);
        if (maxRejects != null && maxRejects < 0) {
            throw new SluiceCommand.UsageException("--max-dead-letters must be 0 or more but was " + maxRejects);
        }
        if (maxRejectBytes < 0) {
            throw new SluiceCommand.UsageException("--max-side-output-bytes must be 0 or more but was " + maxRejectBytes);
        }
        if (mode == Mode.batch && shards != null) {
            System.err.println("warning: --shards applies to --mode stream; batch mode splits the input into --tasks");
        }
        if (mode == Mode.stream && tasks != null) {
            System.err.println("warning: --tasks applies to --mode batch; stream mode reads --shards");
        }
        boolean toStdout = "-".equals(out);
        Path outFile = toStdout ? null : Path.of(out);
        Path rejectsFile = rejects != null ? rejects : toStdout ? Path.of("sluice-run.dead-letters.jsonl")
                : sibling(outFile, ".dead-letters.jsonl");
        Path lateFile = late != null ? late : toStdout ? Path.of("sluice-run.late.jsonl") : sibling(outFile, ".late.jsonl");
        LocalInput source = openInput(outFile, rejectsFile, lateFile, updates);

        ProgressBar bar = quiet || toStdout && System.console() == null ? null : ProgressBar.onTerminal(source.size());
        LocalRunner runner = mode == Mode.batch ? LocalRunner.batch(taskCount, size) : LocalRunner.stream(shardCount, size);
        if (bar != null) {
            runner.withProgress(bar);
        }
        runner.withMaxRejects(maxRejects == null ? Long.MAX_VALUE : maxRejects, maxRejectBytes);
        RunSummary summary;
        try (FileOutputs outputs = new FileOutputs(definition, outFile, rejectsFile, lateFile, updates)) {
            try {
                summary = runner.run(CompiledPipeline.compile(definition), source, new InMemoryStateStore(), outputs);
            } catch (RejectLimitExceededException e) {
                throw new RejectLimitException(e, rejectsFile);
            }
            if (toStdout) {
                outputs.writeResults(System.out);
            } else {
                outputs.writeResults();
            }
        } finally {
            if (bar != null) {
                bar.done();
            }
        }
        var m = summary.metrics();
        if (m.recordsIn() == 0 && m.blankLines() == 0) {
            System.err.println("warning: the input " + source.name() + " is empty: no records, no results");
        }
        if (!quiet) {
            System.err.printf("%s: %s%n", definition.name(), summary.describe());
            System.err.printf("results: %s (%d rows)%n", toStdout ? "standard output" : out, m.rowsOut());
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

    /** The built-in pipelines plus those of every {@code --jar}. */
    private PipelineRegistry registry() {
        if (jars.isEmpty()) {
            return PipelineRegistry.builtIn();
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new SluiceCommand.UsageException("--jar " + jar + ": no such file");
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new SluiceCommand.UsageException("--jar " + jar + ": " + e.getMessage());
            }
        }
        // Left open for the run: the pipeline's classes load lazily from it. The JVM exits after the command.
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), RunCommand.class.getClassLoader());
        try {
            return PipelineRegistry.builtIn(loader);
        } catch (java.util.ServiceConfigurationError | IllegalArgumentException e) {
            throw new SluiceCommand.UsageException("--jar: cannot load its pipelines: " + SluiceCommand.oneLine(e));
        }
    }

    /** Opens the input, refusing a directory and an output that would overwrite it. */
    private LocalInput openInput(Path outFile, Path rejectsFile, Path lateFile, Path updatesFile) throws IOException {
        if ("-".equals(input)) {
            return LocalInput.stdin();
        }
        Path in = Path.of(input);
        if (Files.isDirectory(in)) {
            throw new SluiceCommand.UsageException("--input " + input + " is a directory: give a file, or - for standard input");
        }
        for (Path output : new Path[] {outFile, rejectsFile, lateFile, updatesFile}) {
            if (output != null && sameFile(in, output)) {
                throw new SluiceCommand.UsageException("--input " + input + " is also an output (" + output
                        + "): it would be overwritten");
            }
        }
        try {
            return LocalInput.of(in);
        } catch (NoSuchFileException e) {
            throw new SluiceCommand.UsageException("input file not found: " + input);
        }
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        if (Files.exists(a) && Files.exists(b)) {
            return Files.isSameFile(a, b);
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
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

package io.sluice.functions.local;

import io.sluice.functions.codec.BoundedLineReader;
import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.driver.ReplayClock;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.LineBatch;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.state.StateStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a pipeline over a local input with the production runtime and a {@link StateStore}.
 *
 * <pre>{@code
 * RunSummary s = LocalRunner.batch(2, 100_000).run(compiled, LocalInput.of(path), new InMemoryStateStore(), outputs);
 * RunSummary t = LocalRunner.stream(4, 1_000).run(compiled, LocalInput.of(path), new InMemoryStateStore(), outputs);
 * }</pre>
 *
 * <ul>
 *   <li><b>batch</b>: a bounded job. A plain file is cut into byte-range tasks on line boundaries, run in parallel;
 *       each task is a split whose watermark jumps to +infinity when it ends; then every window fires.</li>
 *   <li><b>stream</b>: records are routed to N simulated shards by a hash of their line number (a stand-in for
 *       a producer's unique partition key, such as the order id); each shard is consumed in batches, in order, the
 *       shards on one thread per core ({@link ShardWorkers}); after each batch the global watermark (minimum over
 *       shards) is recomputed and passed windows fire. Processing time is replayed from event time: "now" is the
 *       highest event time seen, which drives idleness and early firing, so pipelines with either run on one
 *       thread. Late and rejected records are passed on in input line order ({@link LineOrderedSideOutputs}).</li>
 * </ul>
 *
 * <p>{@link #withMaxRejects(long, long)} stops a run over bad input early: a batch task stops reading at its next
 * batch once it and the tasks before it passed a limit (count of rejects, or bytes of rejected and late records), the
 * stream reader once all shards did (at most a batch per shard later). The outputs then get exactly the first rejected
 * and late records within the limits, in input line order, and no results; {@link RejectLimitExceededException} says
 * how many records were read. See {@link RejectBudget} for why those first records never depend on thread timing.
 */
public final class LocalRunner {

    private static final long PROGRESS_EVERY = 1 << 16;
    /** Smaller files are not worth a task each: one task per MiB at most. */
    static final long DEFAULT_MIN_TASK_BYTES = 1 << 20;

    private final boolean batchMode;
    private final int splits;
    private final int batchSize;
    private ProgressListener progress = ProgressListener.NONE;
    private long minTaskBytes = DEFAULT_MIN_TASK_BYTES;
    private int shardThreads = Runtime.getRuntime().availableProcessors();
    private long maxRejects = Long.MAX_VALUE;
    private long maxRejectBytes = Long.MAX_VALUE;

    private LocalRunner(boolean batchMode, int splits, int batchSize) {
        if (splits < 1 || splits > 1024) {
            throw new IllegalArgumentException("splits must be in [1, 1024] but was " + splits);
        }
        if (batchSize < 1 || batchSize > 10_000_000) {
            throw new IllegalArgumentException("batch size must be in [1, 10000000] but was " + batchSize);
        }
        this.batchMode = batchMode;
        this.splits = splits;
        this.batchSize = batchSize;
    }

    /** A bounded job over up to {@code tasks} parallel byte-range tasks (one for gzip or standard input). */
    public static LocalRunner batch(int tasks, int batchSize) {
        return new LocalRunner(true, tasks, batchSize);
    }

    /** A stream over {@code shards} simulated shards consumed in batches of {@code batchSize}. */
    public static LocalRunner stream(int shards, int batchSize) {
        return new LocalRunner(false, shards, batchSize);
    }

    /** Cuts files into tasks of at least {@code bytes} (tests use small values to cut small files). */
    LocalRunner withMinTaskBytes(long bytes) {
        this.minTaskBytes = Math.max(1, bytes);
        return this;
    }

    /**
     * Runs stream mode's shards on up to {@code threads} threads (default: one per core). Results, late and rejected
     * records do not depend on it; pipelines with idleness or early firing always run on one thread.
     */
    public LocalRunner withShardThreads(int threads) {
        this.shardThreads = Math.max(1, threads);
        return this;
    }

    /**
     * Stops the run, with {@link RejectLimitExceededException}, once more than {@code limit} records are rejected or
     * the spooled JSON lines of rejected and late records take more than {@code bytes} (default: no limits; then every
     * one is spooled and passed on). The outputs then get exactly the first side records within both limits.
     */
    public LocalRunner withMaxRejects(long limit, long bytes) {
        if (limit < 0 || bytes < 0) {
            throw new IllegalArgumentException("reject limits must be 0 or more but were " + limit + " and " + bytes);
        }
        this.maxRejects = limit;
        this.maxRejectBytes = bytes;
        return this;
    }

    /** Reports progress to {@code listener}. */
    public LocalRunner withProgress(ProgressListener listener) {
        this.progress = listener;
        return this;
    }

    /**
     * Runs {@code pipeline} over {@code input}; final results, late and rejected records go to {@code outputs}.
     *
     * @throws UncheckedIOException if the input cannot be read
     * @throws RejectLimitExceededException if more records were rejected than {@link #withMaxRejects} allows
     */
    public RunSummary run(CompiledPipeline pipeline, LocalInput input, StateStore store, Outputs outputs) {
        RunMetrics metrics = new RunMetrics();
        long started = System.nanoTime();
        int used;
        try {
            used = batchMode ? runBatch(pipeline, input, store, outputs, metrics)
                    : runStream(pipeline, input, store, outputs, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + input.name() + ": " + e.getMessage(), e);
        }
        return new RunSummary(batchMode ? "batch" : "stream", used, metrics,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private int runBatch(CompiledPipeline pipeline, LocalInput input, StateStore store, Outputs outputs,
                         RunMetrics metrics) throws IOException {
        int tasks = input.splittable() ? (int) Math.max(1, Math.min(splits, input.size() / minTaskBytes + 1)) : 1;
        long rangeSize = input.splittable() ? (input.size() + tasks - 1) / tasks : Long.MAX_VALUE;
        List<TaskReader> readers = new ArrayList<>();
        RejectBudget budget = new RejectBudget(maxRejects, maxRejectBytes, tasks);
        LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, tasks, budget, true);
        PipelineRun run = PipelineRun.batch(pipeline, store, outputs, metrics).withOwnerPrefix("local-batch");
        for (int t = 0; t < tasks; t++) {
            String split = String.format("task-%04d", t);
            SplitProcessor processor = run.processor(split, side.split(t));
            processor.state();
            long start = input.splittable() ? t * rangeSize : 0;
            long end = input.splittable() ? Math.min(input.size(), start + rangeSize) : Long.MAX_VALUE;
            readers.add(new TaskReader(t, processor, input, start, end, pipeline.maxRecordBytes(), budget));
        }
        AtomicLong records = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(tasks, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (TaskReader reader : readers) {
                futures.add(pool.submit(() -> reader.run(records, bytes)));
            }
            for (Future<Long> f : futures) {
                await(f);
            }
        } finally {
            pool.shutdownNow();
        }
        // A task numbers its lines from its own start: each one's offset is the lines of the tasks before it.
        long[] lineOffsets = new long[tasks];
        for (int t = 1; t < tasks; t++) {
            lineOffsets[t] = lineOffsets[t - 1] + readers.get(t - 1).lines;
        }
        if (budget.exceeded()) {
            throw stopped(side.drain(lineOffsets), readers.stream().mapToLong(r -> r.lines).sum());
        }
        for (TaskReader reader : readers) {
            reader.processor.finish(0);
        }
        side.drain(lineOffsets);
        run.fire(0);
        return tasks;
    }

    private int runStream(CompiledPipeline pipeline, LocalInput input, StateStore store, Outputs outputs,
                          RunMetrics metrics) throws IOException {
        SplitProcessor[] shards = new SplitProcessor[splits];
        LineBatch[] batches = new LineBatch[splits];
        long[] ordinals = new long[splits];
        RejectBudget budget = new RejectBudget(maxRejects, maxRejectBytes, splits);
        LineOrderedSideOutputs side = new LineOrderedSideOutputs(outputs, splits, budget, false);
        long linesRead;
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics).withOwnerPrefix("local-stream");
        for (int s = 0; s < splits; s++) {
            shards[s] = run.processor(String.format("shardId-%012d", s), side.split(s));
            shards[s].state();
        }
        List<SplitProcessor> all = List.of(shards);
        ReplayClock clock = new ReplayClock(run);
        int capacity = Math.min(batchSize, 1 << 16);
        try (ShardWorkers workers = new ShardWorkers(streamThreads(pipeline), splits, capacity)) {
            for (int s = 0; s < splits; s++) {
                batches[s] = workers.take();
            }
            try (BoundedLineReader lines = new BoundedLineReader(input.open(), pipeline.maxRecordBytes())) {
                while (lines.next()) {
                    int shard = shardOf(lines, splits);
                    LineBatch batch = batches[shard];
                    if (lines.oversized()) {
                        batch.addOversized(lines.length(), ordinals[shard]++, lines.lineNumber());
                    } else {
                        batch.add(lines.buffer(), lines.offset(), lines.length(), ordinals[shard]++, lines.lineNumber());
                    }
                    if (batch.size() >= batchSize) {
                        SplitProcessor processor = shards[shard];
                        workers.submit(shard, batch, () -> clock.process(processor, batch, all));
                        batches[shard] = workers.take();
                        if (workers.failed() || budget.exceeded()) {
                            break;
                        }
                    }
                    if (lines.lineNumber() % PROGRESS_EVERY == 0) {
                        progress.progress(lines.lineNumber(), lines.bytesRead());
                    }
                }
                progress.progress(lines.lineNumber(), lines.bytesRead());
                linesRead = lines.lineNumber();
            }
            // Also after an early stop: every line read is processed, so the first rejects do not depend on timing.
            for (int s = 0; s < splits; s++) {
                LineBatch batch = batches[s];
                SplitProcessor processor = shards[s];
                if (batch.size() > 0) {
                    workers.submit(s, batch, () -> clock.process(processor, batch, all));
                }
            }
            workers.awaitAll();
        }
        if (budget.exceeded()) {
            throw stopped(side.drain(), linesRead);
        }
        for (SplitProcessor shard : shards) {
            shard.finish(clock.now());
        }
        clock.advance(all);
        side.drain();
        return splits;
    }

    private RejectLimitExceededException stopped(LineOrderedSideOutputs.Drained drained, long recordsRead) {
        return new RejectLimitExceededException(maxRejects, maxRejectBytes, drained.byBytes(), drained.rejects(),
                recordsRead);
    }

    /**
     * Threads for the stream driver's shards. One per core, up to one per shard, when the results and side outputs
     * cannot depend on how the shards interleave: lateness is judged against each shard's own watermark (the global
     * one never exceeds it), but idleness and early firing follow the replayed clock, which the interleaving moves.
     */
    private int streamThreads(CompiledPipeline pipeline) {
        if (pipeline.watermarks().idleness().isPresent() || pipeline.trigger().earlyInterval().isPresent()) {
            return 1;
        }
        return Math.min(splits, shardThreads);
    }

    /** Reads one byte-range task: the lines whose first byte lies in {@code [start, end)}. */
    private final class TaskReader {
        private final int task;
        private final SplitProcessor processor;
        private final LocalInput input;
        private final long start;
        private final long end;
        private final int maxRecordBytes;
        private final RejectBudget budget;
        private long lines;

        TaskReader(int task, SplitProcessor processor, LocalInput input, long start, long end, int maxRecordBytes,
                   RejectBudget budget) {
            this.task = task;
            this.processor = processor;
            this.input = input;
            this.start = start;
            this.end = end;
            this.maxRecordBytes = maxRecordBytes;
            this.budget = budget;
        }

        long run(AtomicLong totalRecords, AtomicLong totalBytes) throws IOException {
            LineBatch batch = new LineBatch(Math.min(batchSize, 1 << 16));
            long skipped = 0;
            InputStream in;
            if (start > 0) {
                // Buffered: the skip reads byte by byte, a system call per byte on the bare channel (a 10 MB line
                // cut by a task boundary took 8 s to skip).
                in = new java.io.BufferedInputStream(input.openAt(start - 1), 1 << 16);
                skipped = BoundedLineReader.skipToNextLine(in);
            } else {
                in = input.splittable() ? input.openAt(0) : input.open();
            }
            long base = start > 0 ? start - 1 + skipped : 0;
            long reported = 0;
            try (BoundedLineReader reader = new BoundedLineReader(in, maxRecordBytes)) {
                while (reader.next()) {
                    if (base + reader.lineStart() >= end) {
                        break;
                    }
                    lines++;
                    if (reader.oversized()) {
                        batch.addOversized(reader.length(), lines, lines);
                    } else {
                        batch.add(reader.buffer(), reader.offset(), reader.length(), lines, lines);
                    }
                    if (batch.size() >= batchSize) {
                        processor.process(batch, 0);
                        batch.clear();
                        if (budget.exhaustedUpTo(task)) {
                            break;
                        }
                    }
                    if (lines % PROGRESS_EVERY == 0) {
                        long bytesNow = reader.bytesRead();
                        progress.progress(totalRecords.addAndGet(PROGRESS_EVERY),
                                totalBytes.addAndGet(bytesNow - reported));
                        reported = bytesNow;
                    }
                }
                processor.process(batch, 0);
                progress.progress(totalRecords.addAndGet(lines % PROGRESS_EVERY),
                        totalBytes.addAndGet(Math.min(end - start, reader.bytesRead()) - reported));
            }
            return lines;
        }
    }

    /**
     * The shard of the current line: a mix of its line number, standing in for a producer's unique partition key
     * (such as the order id) hashed into the shards' ranges. Uniform and deterministic; hashing the line's bytes
     * instead cost a tenth of stream mode's CPU for nothing.
     */
    private static int shardOf(BoundedLineReader lines, int shards) {
        if (shards == 1) {
            return 0;
        }
        long h = lines.lineNumber() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) Math.floorMod(h, (long) shards);
    }

    private static void await(Future<Long> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }
}

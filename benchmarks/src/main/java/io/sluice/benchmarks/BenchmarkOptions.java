package io.sluice.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of {@link RunBenchmark}.
 *
 * <pre>{@code
 * BenchmarkOptions o = BenchmarkOptions.parse("--records", "10000", "--repeat", "1");
 * }</pre>
 *
 * @param records         records to generate (default 10,000,000)
 * @param seed            generator seed (default 42)
 * @param dir             work directory; the input is generated there once per records and seed
 *                        (default {@code /tmp/sluice-bench})
 * @param warmup          rounds of every variant run first and checked but not timed (default 1: the first round
 *                        runs with cold JIT and page cache)
 * @param repeat          timed repetitions of every variant, at least 1 (default 3)
 * @param pipelines       pipelines to run (default {@code gmv-by-category,gmv-total})
 * @param variants        variants to run, empty for all: {@code loop-bind, loop-stream, loop-hand, batch,
 *                        batch-1, stream, stream-1}
 * @param tasks           batch-mode tasks (default: available processors)
 * @param batchSize       batch-mode records per batch (default 100,000, as {@code ./sluice run})
 * @param shards          stream-mode shards (default 4)
 * @param streamBatchSize stream-mode records per batch (default 1,000, as {@code ./sluice run})
 */
public record BenchmarkOptions(long records, long seed, Path dir, int warmup, int repeat, List<String> pipelines,
                               Set<String> variants, int tasks, int batchSize, int shards, int streamBatchSize) {

    static final String USAGE = "usage: RunBenchmark [--records N] [--seed S] [--dir DIR] [--warmup W] "
            + "[--repeat R] "
            + "[--pipelines gmv-by-category,gmv-total] "
            + "[--variants loop-bind,loop-stream,loop-hand,batch,batch-1,stream,stream-1] "
            + "[--tasks T] [--batch-size B] [--shards S] [--stream-batch-size B]";

    private static final Set<String> KNOWN_VARIANTS = Set.of("loop-bind", "loop-stream", "loop-hand", "batch",
            "batch-1", "stream", "stream-1");

    public BenchmarkOptions {
        if (records < 1) {
            throw new IllegalArgumentException("--records must be >= 1 but was " + records);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0 but was " + warmup);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1 but was " + repeat);
        }
        if (tasks < 1 || batchSize < 1 || shards < 1 || streamBatchSize < 1) {
            throw new IllegalArgumentException("--tasks, --batch-size, --shards and --stream-batch-size must be >= 1");
        }
        for (String v : variants) {
            if (!KNOWN_VARIANTS.contains(v)) {
                throw new IllegalArgumentException("unknown variant " + v + " (known: " + KNOWN_VARIANTS + ")");
            }
        }
        pipelines = List.copyOf(pipelines);
        variants = Set.copyOf(variants);
    }

    /**
     * Parses {@code --name value} pairs.
     *
     * @throws IllegalArgumentException on an unknown option, a missing value or a value out of range
     */
    public static BenchmarkOptions parse(String... args) {
        long records = 10_000_000;
        long seed = 42;
        Path dir = Path.of("/tmp/sluice-bench");
        int warmup = 1;
        int repeat = 3;
        List<String> pipelines = List.of("gmv-by-category", "gmv-total");
        Set<String> variants = Set.of();
        int tasks = Runtime.getRuntime().availableProcessors();
        int batchSize = 100_000;
        int shards = 4;
        int streamBatchSize = 1_000;
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + name);
            }
            String value = args[i + 1];
            try {
                switch (name) {
                    case "--records" -> records = Long.parseLong(value.replace("_", "").replace(",", ""));
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--dir" -> dir = Path.of(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--repeat" -> repeat = Integer.parseInt(value);
                    case "--pipelines" -> pipelines = List.of(value.split(","));
                    case "--variants" -> variants = Set.copyOf(Arrays.asList(value.split(",")));
                    case "--tasks" -> tasks = Integer.parseInt(value);
                    case "--batch-size" -> batchSize = Integer.parseInt(value);
                    case "--shards" -> shards = Integer.parseInt(value);
                    case "--stream-batch-size" -> streamBatchSize = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number for " + name + ": " + value, e);
            }
        }
        return new BenchmarkOptions(records, seed, dir, warmup, repeat, pipelines, variants, tasks, batchSize, shards,
                streamBatchSize);
    }
}

package io.sluice.cli;

import io.sluice.functions.examples.OrdersGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** {@code sluice gen}: writes a deterministic orders workload shaped like a Double 11 night. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = "Generate orders as JSON lines (a Double 11 night: peak at midnight, then decay).")
final class GenCommand implements Callable<Integer> {

    @Option(names = "--records", required = true, description = "Number of orders.")
    long records;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (same seed, same bytes). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--minutes", defaultValue = "60", description = "Time span of the night in minutes. Default: ${DEFAULT-VALUE}.")
    long minutes;

    @Option(names = "--out", required = true, description = "Output file, a .gz suffix compresses it; - for standard output.")
    String out;

    @Override
    public Integer call() throws Exception {
        if (records < 0) {
            throw new SluiceCommand.UsageException("--records must be >= 0 but was " + records);
        }
        if (minutes < 1) {
            throw new SluiceCommand.UsageException("--minutes must be >= 1 but was " + minutes);
        }
        OrdersGenerator generator = OrdersGenerator.builder().records(records).seed(seed)
                .duration(Duration.ofMinutes(minutes)).build();
        long started = System.nanoTime();
        if ("-".equals(out)) {
            // `sluice gen --out - | sluice run --input - --out -`: plain JSON lines on standard output.
            OutputStream stdout = new java.io.BufferedOutputStream(System.out, 1 << 16);
            generator.writeJsonLines(stdout);
            stdout.flush();
            System.err.printf("wrote %d orders to standard output in %.1f s%n", records, (System.nanoTime() - started) / 1e9);
            return 0;
        }
        Path file = Path.of(out);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream stream = Files.newOutputStream(file);
             OutputStream sink = out.endsWith(".gz") ? new FastGzip(stream) : stream) {
            generator.writeJsonLines(sink);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.err.printf("wrote %d orders to %s (%d bytes) in %.1f s%n", records, out, Files.size(file), seconds);
        return 0;
    }

    /** gzip at the fastest level: generation should not wait on compression. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws java.io.IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}

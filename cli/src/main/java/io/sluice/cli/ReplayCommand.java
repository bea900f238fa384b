package io.sluice.cli;

import io.sluice.functions.driver.OnFailureQueue;
import io.sluice.functions.driver.OnFailureRecord;
import io.sluice.functions.driver.OnFailureReplay;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.wiring.LambdaWiring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sluice replay}: re-drives the Kinesis batches the operator's event source mapping gave up on, from the
 * on-failure records in its dead-letter queue (or a file of them), exactly once ({@link OnFailureReplay}). It runs
 * with the operator function's {@code SLUICE_*} environment (tables, bucket, queue, pipeline) and the SDK's
 * credentials and endpoints. One line per range on standard output, a summary on standard error; exit code 0 when
 * every range is applied or was already, {@value #EXIT_UNSETTLED} when a range is expired, waiting or undetermined.
 *
 * <pre>{@code
 * ./sluice replay --dry-run        # what would be applied
 * ./sluice replay                  # apply, delete each settled message
 * ./sluice replay --file on-failure.jsonl
 * }</pre>
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-drive the batches the event source mapping gave up on (on-failure records) from the stream.")
final class ReplayCommand implements Callable<Integer> {

    /** Exit code when some range could not be settled (expired, waiting, undetermined). */
    static final int EXIT_UNSETTLED = 4;
    /** Bounds a file's line like the queue's message: an on-failure record is under 1 KB. */
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    @Option(names = "--queue", description = "Queue URL of the on-failure records. Default: SLUICE_DEAD_LETTER_QUEUE_URL "
            + "(the operator's on-failure destination).")
    String queue;

    @Option(names = "--file", description = "Read on-failure records from this file, one JSON record per line, "
            + "instead of the queue.")
    Path file;

    @Option(names = "--dry-run", description = "Report what would be applied; write and delete nothing.")
    boolean dryRun;

    @Option(names = "--max-messages", defaultValue = "1000", description = "Messages read from the queue in one run. "
            + "Default: ${DEFAULT-VALUE}.")
    int maxMessages;

    @Override
    public Integer call() throws IOException {
        if (queue != null && file != null) {
            throw new SluiceCommand.UsageException("--queue and --file are exclusive");
        }
        if (maxMessages < 1) {
            throw new SluiceCommand.UsageException("--max-messages must be >= 1 but was " + maxMessages);
        }
        List<OnFailureRecord> fromFile = file == null ? null : readFile(file);
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        if (queue != null) {
            env.put(HandlerConfig.DEAD_LETTER_QUEUE_URL, queue);
        }
        LambdaWiring wiring;
        try {
            wiring = LambdaWiring.of(env);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new SluiceCommand.UsageException(e.getMessage() + ": run with the operator function's environment "
                    + "(README, \"Replaying what the mapping gave up on\")");
        }
        List<OnFailureReplay.Result> results = new ArrayList<>();
        long deleted = 0;
        long others = 0;
        if (fromFile != null) {
            OnFailureReplay replay = wiring.onFailureReplay(Clock.systemUTC());
            for (OnFailureRecord r : fromFile) {
                OnFailureReplay.Result result = replay.replay(r, dryRun);
                System.out.println(result.describe());
                results.add(result);
            }
        } else {
            OnFailureQueue.Pass pass = wiring.onFailureQueue(Clock.systemUTC()).drain(dryRun, maxMessages,
                    r -> System.out.println(r.describe()));
            results.addAll(pass.results());
            deleted = pass.deleted();
            others = pass.others();
        }
        Map<OnFailureReplay.Outcome, Integer> counts = new EnumMap<>(OnFailureReplay.Outcome.class);
        results.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        StringBuilder summary = new StringBuilder("replay: ").append(results.size()).append(" ranges");
        counts.forEach((o, n) -> summary.append(", ").append(n).append(' ')
                .append(o.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
        if (fromFile == null) {
            summary.append("; ").append(deleted).append(" messages deleted, ").append(others)
                    .append(" other messages left in the queue");
        }
        if (counts.containsKey(OnFailureReplay.Outcome.EXPIRED)) {
            summary.append("; EXPIRED ranges are lost: the stream no longer holds them");
        }
        System.err.println(summary);
        return results.stream().allMatch(r -> r.settled() || r.outcome() == OnFailureReplay.Outcome.WOULD_APPLY)
                ? 0 : EXIT_UNSETTLED;
    }

    private static List<OnFailureRecord> readFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new SluiceCommand.UsageException("--file " + file + ": not a file");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new SluiceCommand.UsageException("--file " + file + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        List<OnFailureRecord> records = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                records.add(OnFailureRecord.parse(line));
            } catch (IllegalArgumentException e) {
                throw new SluiceCommand.UsageException("--file " + file + " line " + n + ": " + e.getMessage());
            }
        }
        return records;
    }
}

package io.sluice.functions.driver;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.sluice.functions.io.kinesis.KinesisRecordBatch;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RejectedRecord;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.state.Fence;
import io.sluice.state.SplitState;
import io.sluice.state.SplitStatus;
import io.sluice.state.StateStore;
import io.sluice.state.coordination.AttemptLog;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Re-drives a batch an event source mapping gave up on ({@link OnFailureRecord}) from the stream, exactly once (design:
 * this package's {@code package-info}): records that an attempt of the operator set out to apply
 * ({@link AttemptLog}) are the operator's, applied or read back by it; the others, which no attempt ever started on,
 * are applied under a split of their own, {@code <shard>~replay~<first sequence number>}, and that split is finished.
 *
 * <pre>{@code
 * OnFailureReplay replay = new OnFailureReplay(compiled, store, outputs, attemptLog, new KinesisShardRange(kinesis), clock);
 * OnFailureReplay.Result r = replay.replay(OnFailureRecord.parse(message.body()), false);
 * if (r.settled()) sqs.deleteMessage(...);   // applied now, or before
 * }</pre>
 */
public final class OnFailureReplay {

    private static final System.Logger LOG = System.getLogger(OnFailureReplay.class.getName());
    /** Separates the shard id from the range's first sequence number in a replay split's id. */
    static final String REPLAY_SPLIT = "~replay~";

    /** What became of a range. */
    public enum Outcome {
        /** Records no attempt started on were applied now. */
        APPLIED,
        /** With {@code --dry-run}: records no attempt started on would be applied. */
        WOULD_APPLY,
        /** Every record was the operator's (applied, read back, or reported lost by it) or replayed before. */
        ALREADY_APPLIED,
        /** The operator has not passed the range yet: replay again later (the message stays). */
        WAITING,
        /** The stream no longer holds the range: its records are lost (the message stays). */
        EXPIRED,
        /** The attempt log does not reach back to the range (logging started later, or its entries expired). */
        UNDETERMINED
    }

    /**
     * One range's report.
     *
     * @param range         the on-failure record
     * @param outcome       what became of it
     * @param records       Kinesis records of the range read from the stream (0 when not read)
     * @param theOperators  of them, records an attempt of the operator set out to apply
     * @param replayed      records applied now (or, with a dry run, that would be)
     * @param late          of their lines, those judged late (to the late output)
     * @param deadLetters   of their lines, those rejected (to the dead letters)
     * @param split         the replay split, or null
     * @param detail        why, in words
     */
    public record Result(OnFailureRecord range, Outcome outcome, long records, long theOperators, long replayed,
                         long late, long deadLetters, String split, String detail) {

        /** Whether the range needs nothing more: its on-failure message can go. */
        public boolean settled() {
            return outcome == Outcome.APPLIED || outcome == Outcome.ALREADY_APPLIED;
        }

        /** One line: {@code applied shard=[..] seq=[..] records=.. ...}. */
        public String describe() {
            return outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + range.describe()
                    + " records=" + records + " operator=" + theOperators + " replayed=" + replayed + " late=" + late
                    + " dead-letters=" + deadLetters + (split == null ? "" : " split=[" + split + "]")
                    + " (" + detail + ")";
        }
    }

    private final CompiledPipeline pipeline;
    private final StateStore store;
    private final Outputs outputs;
    private final AttemptLog attempts;
    private final ShardRange stream;
    private final Clock clock;

    public OnFailureReplay(CompiledPipeline pipeline, StateStore store, Outputs outputs, AttemptLog attempts,
                           ShardRange stream, Clock clock) {
        this.pipeline = pipeline;
        this.store = store;
        this.outputs = outputs;
        this.attempts = attempts;
        this.stream = stream;
        this.clock = clock;
    }

    /** The split a range's unattempted records are applied under: derived from the range, so a replay repeats it. */
    public static String replaySplit(OnFailureRecord range) {
        return range.shardId() + REPLAY_SPLIT + range.startSequenceNumber();
    }

    /**
     * Replays one range (or, with {@code dryRun}, reports what it would do and writes nothing).
     *
     * @throws RuntimeException if the store, the log or the stream fails now; nothing is lost, replay again
     */
    public Result replay(OnFailureRecord range, boolean dryRun) {
        Fence first = Fence.of(range.startSequenceNumber());
        Fence last = Fence.of(range.endSequenceNumber());
        String shard = range.shardId();
        Optional<SplitState> state = store.readSplit(pipeline.name(), shard);
        if (state.isEmpty()) {
            return result(range, Outcome.WAITING, "the operator has recorded nothing of the shard yet");
        }
        SplitState split = state.get();
        if (split.status() != SplitStatus.FINISHED && last.isAfter(split.fence())) {
            // Only once the shard's fence is past the range can no attempt of the operator start on it any more.
            return result(range, Outcome.WAITING, split.attemptFence().compareTo(last) >= 0
                    ? "an attempt on it is recorded: the operator reads it back before the shard's next batch"
                    : "the operator has not passed it yet");
        }
        // No recorded attempt ever reached the range (the attempt fence is before it): none applied any of it, whatever
        // the log holds (a shard whose every batch was refused, then finished by its child or at the end).
        boolean neverReached = first.isAfter(split.attemptFence());
        Optional<Fence> since = neverReached ? Optional.of(Fence.NONE) : attempts.loggedAfter(pipeline.name(), shard);
        if (since.isEmpty() || !first.isAfter(since.get())) {
            return result(range, Outcome.UNDETERMINED, "the shard's attempts were not logged yet when the operator "
                    + "passed these records");
        }
        Instant arrival = Instant.ofEpochMilli(0);   // refined by the first record read
        String split2 = replaySplit(range);
        RunMetrics metrics = new RunMetrics();
        PipelineRun run = PipelineRun.stream(pipeline, store, outputs, metrics).withOwnerPrefix("replay");
        long records = 0;
        long operators = 0;
        long replayed = 0;
        List<AttemptLog.Range> logged = null;
        Fence lastUnattempted = Fence.NONE;
        String after = null;
        while (true) {
            List<KinesisEvent.KinesisEventRecord> chunk;
            try {
                chunk = after == null
                        ? stream.readFrom(range.streamArn(), shard, range.startSequenceNumber(), range.endSequenceNumber())
                        : stream.read(range.streamArn(), shard, after, range.endSequenceNumber());
            } catch (ShardRange.Unreadable e) {
                return result(range, Outcome.EXPIRED, "the stream no longer holds the range: " + e.getMessage()
                        + "; its records are lost");
            }
            if (after == null) {
                if (chunk.isEmpty() || !sequence(chunk.get(0)).equals(new BigInteger(range.startSequenceNumber()))) {
                    return result(range, Outcome.EXPIRED, "the stream no longer holds the range's first record "
                            + "(trimmed); its records are lost");
                }
                var first0 = chunk.get(0).getKinesis().getApproximateArrivalTimestamp();
                arrival = first0 == null ? arrival : first0.toInstant();
                logged = neverReached ? List.of() : attempts.rangesLogged(pipeline.name(), shard, arrival, last);
            }
            List<KinesisEvent.KinesisEventRecord> unattempted = new ArrayList<>();
            for (KinesisEvent.KinesisEventRecord r : chunk) {
                Fence at = Fence.of(r.getKinesis().getSequenceNumber());
                if (logged.stream().anyMatch(a -> a.attempted(at))) {
                    operators++;
                } else {
                    unattempted.add(r);
                }
            }
            records += chunk.size();
            replayed += unattempted.size();
            if (!unattempted.isEmpty()) {
                lastUnattempted = Fence.of(unattempted.get(unattempted.size() - 1).getKinesis().getSequenceNumber());
            }
            if (!dryRun && !unattempted.isEmpty()) {
                run.apply(split2, KinesisRecordBatch.of(unattempted, (r, reason) -> outputs.rejected(new RejectedRecord(
                        pipeline.name(), split2, "seq=" + r.getKinesis().getSequenceNumber(), reason,
                        Base64.getEncoder().encodeToString(bytes(r))))), clock.millis());
                // Side outputs are held per split until the runtime flushes them before its partial writes; a chunk
                // of only undecodable records writes no partial, so its dead letters are flushed here.
                outputs.flush(split2);
            }
            String end = chunk.get(chunk.size() - 1).getKinesis().getSequenceNumber();
            if (new BigInteger(end).compareTo(new BigInteger(range.endSequenceNumber())) >= 0) {
                break;
            }
            after = end;
        }
        if (replayed == 0) {
            return new Result(range, Outcome.ALREADY_APPLIED, records, operators, 0, 0, 0, null,
                    "an attempt of the operator set out to apply every record: it applied them or reads them back");
        }
        if (dryRun) {
            Optional<SplitState> before = store.readSplit(pipeline.name(), split2);
            if (before.isPresent() && lastUnattempted.compareTo(before.get().fence()) <= 0) {
                return new Result(range, Outcome.ALREADY_APPLIED, records, operators, 0, 0, 0, split2,
                        "its unattempted records were replayed before");
            }
            return new Result(range, Outcome.WOULD_APPLY, records, operators, replayed, 0, 0, split2,
                    "no attempt of the operator started on " + replayed + " of its records");
        }
        run.finish(split2, clock.millis());
        long applied = metrics.recordsIn() - metrics.replayed();
        if (applied == 0) {
            return new Result(range, Outcome.ALREADY_APPLIED, records, operators, 0, 0, 0, split2,
                    "its unattempted records were replayed before");
        }
        LOG.log(Level.WARNING, "Applied records no attempt of the operator started on. pipeline=[{0}] {1} "
                + "replayed=[{2}] split=[{3}]", pipeline.name(), range.describe(), replayed, split2);
        return new Result(range, Outcome.APPLIED, records, operators, replayed, metrics.late(), metrics.rejected(),
                split2, "no attempt of the operator had started on " + replayed + " of its records");
    }

    private static Result result(OnFailureRecord range, Outcome outcome, String detail) {
        return new Result(range, outcome, 0, 0, 0, 0, 0, null, detail);
    }

    private static BigInteger sequence(KinesisEvent.KinesisEventRecord r) {
        return new BigInteger(r.getKinesis().getSequenceNumber());
    }

    private static byte[] bytes(KinesisEvent.KinesisEventRecord r) {
        if (r.getKinesis().getData() == null) {
            return new byte[0];
        }
        var data = r.getKinesis().getData().duplicate();
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return b;
    }
}

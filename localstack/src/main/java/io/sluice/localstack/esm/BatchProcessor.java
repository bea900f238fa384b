package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.localstack.esm.FailureDestination.Condition;
import io.sluice.localstack.esm.FailureDestination.LastFailure;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Lambda's rules for one batch of one shard: invoke an instance drawn from the pool, within the function's
 * timeout; then on a function error or reported item failure retry (with bisection if configured), skip records
 * past the maximum age, and hand what cannot be processed to the failure destination. Records are finished
 * strictly in order: every finished prefix is checkpointed before later records are attempted, so the shard never
 * overtakes a failing record.
 *
 * <p>Outcomes, as the guide's "Configuring partial batch response" section defines them: a null response, a null
 * or empty {@code batchItemFailures} list is success; reported failures checkpoint the records before the lowest
 * reported sequence number and retry from it (a retry, not a function error); a null, empty or unknown
 * {@code itemIdentifier} fails the whole batch (a retry, not a function error: no bisection). An exception or a
 * timeout is a function error: with bisection on it halves the batch (halving is not a retry), else it is a retry.
 * A batch of 100 with one poison record costs about {@code 2 * log2(100)} extra invocations and then
 * {@code MaximumRetryAttempts} retries of the poison record alone, after which only that record goes to the
 * destination. Records of a half that failed are delivered again (at-least-once, as on Lambda).
 */
final class BatchProcessor {
    private static final System.Logger LOG = System.getLogger(BatchProcessor.class.getName());

    private final HandlerPool pool;
    private final Invoker invoker;
    private final EventSourceMappingConfig config;
    private final FailureDestination destination;
    private final String shardId;
    private final String streamArn;
    private final String region;
    private final String functionArn;
    private final Consumer<String> checkpointer;
    private final BooleanSupplier running;
    private final EsmCounters counters;
    private final Chaos.Schedule chaos;
    private final Clock clock;

    BatchProcessor(HandlerPool pool, Invoker invoker, EventSourceMappingConfig config, FailureDestination destination,
                   String shardId, String streamArn, String region, Consumer<String> checkpointer,
                   BooleanSupplier running, EsmCounters counters, Chaos.Schedule chaos, Clock clock) {
        this.pool = pool;
        this.invoker = invoker;
        this.config = config;
        this.destination = destination;
        this.shardId = shardId;
        this.streamArn = streamArn;
        this.region = region;
        this.functionArn = "arn:aws:lambda:" + region + ":000000000000:function:" + config.functionName();
        this.checkpointer = checkpointer;
        this.running = running;
        this.counters = counters;
        this.chaos = chaos;
        this.clock = clock;
    }

    /**
     * Finishes every record of {@code batch}, in order, or returns early (without checkpointing the
     * rest) when the runtime stops.
     *
     * @return true if every record was finished
     */
    boolean process(List<Record> batch) throws InterruptedException {
        return segment(batch, 0);
    }

    /** @return false if stopped before the segment was finished */
    private boolean segment(List<Record> records, int retriesUsed) throws InterruptedException {
        List<Record> pending = records;
        int invokes = 0;
        Outcome last = null;
        while (!pending.isEmpty()) {
            if (!running.getAsBoolean()) {
                return false;
            }
            pending = dropExpired(pending, invokes);
            if (pending.isEmpty()) {
                return true;
            }
            invokes++;
            boolean lastAttempt = config.maximumRetryAttempts() >= 0 && retriesUsed >= config.maximumRetryAttempts();
            last = invoke(pending, lastAttempt);
            if (last.failedFrom < 0) {
                checkpointer.accept(last(pending));
                return true;
            }
            if (last.failedFrom > 0) {
                checkpointer.accept(pending.get(last.failedFrom - 1).sequenceNumber());
                pending = pending.subList(last.failedFrom, pending.size());
            }
            // A reported item failure already says where to resume; only a function error halves the batch.
            if (last.kind == LastFailure.FUNCTION_ERROR && config.bisectBatchOnFunctionError() && pending.size() > 1) {
                int mid = pending.size() / 2;
                counters.bisections.increment();
                return segment(pending.subList(0, mid), retriesUsed) && segment(pending.subList(mid, pending.size()), retriesUsed);
            }
            retriesUsed++;
            if (config.maximumRetryAttempts() >= 0 && retriesUsed > config.maximumRetryAttempts()) {
                toDestination(pending, Condition.RetryAttemptsExhausted, last.kind, last.error, invokes);
                return true;
            }
            counters.retries.increment();
            long backoff = Math.min(1000, config.retryBackoff().toMillis() << Math.min(10, retriesUsed - 1));
            Thread.sleep(backoff);
        }
        return true;
    }

    private List<Record> dropExpired(List<Record> records, int invokes) {
        Duration maxAge = config.maximumRecordAge();
        if (maxAge == null) {
            return records;
        }
        Instant oldest = clock.instant().minus(maxAge);
        int expired = 0;
        while (expired < records.size() && records.get(expired).approximateArrivalTimestamp() != null
                && records.get(expired).approximateArrivalTimestamp().isBefore(oldest)) {
            expired++;
        }
        if (expired == 0) {
            return records;
        }
        toDestination(records.subList(0, expired), Condition.RecordAgeExceeded, null,
                "record older than MaximumRecordAgeInSeconds=" + maxAge.toSeconds(), invokes);
        return records.subList(expired, records.size());
    }

    private void toDestination(List<Record> records, Condition condition, LastFailure kind, String error, int invokes) {
        destination.send(records, condition, kind, error, invokes, shardId, streamArn, functionArn);
        counters.recordsToDestination.add(records.size());
        checkpointer.accept(last(records));
    }

    /**
     * failedFrom: -1 on success, else the index of the first record to retry; kind: how it failed.
     */
    private record Outcome(int failedFrom, String error, LastFailure kind) { }

    private Outcome invoke(List<Record> records, boolean lastAttempt) throws InterruptedException {
        counters.invocations.increment();
        counters.recordsDelivered.add(records.size());
        KinesisEvent event = KinesisEvents.of(records, shardId, streamArn, region);
        long timeoutMillis = config.functionTimeout().toMillis();
        // One shared instance cannot be discarded: abandoning it would let the retry run beside the abandoned call.
        long waitMillis = pool.shared() ? Long.MAX_VALUE : timeoutMillis;
        int timeoutAfterWrites = 0;
        int throttledWrite = 0;
        if (!lastAttempt && !pool.shared()) { // chaos never spends a batch's last attempt, so it never dead-letters records itself
            long randomPoint = chaos.randomTimeoutMillis();
            waitMillis = randomPoint >= 0 ? Math.min(waitMillis, randomPoint) : waitMillis;
            timeoutAfterWrites = chaos.timeoutAfterWrites();
            throttledWrite = chaos.throttledWrite();
        }
        HandlerInstance instance = pool.acquire();
        LocalInvocation invocation = new LocalInvocation(timeoutAfterWrites, throttledWrite);
        long t0 = System.nanoTime();
        Invoker.Result result;
        try {
            result = invoker.invoke(instance, event, new LocalLambdaContext(config.functionName(), functionArn,
                    timeoutMillis), invocation, waitMillis);
        } catch (InterruptedException e) {
            pool.discard(instance);
            throw e;
        } finally {
            counters.handlerNanos.add(System.nanoTime() - t0);
            counters.throttledWrites.add(invocation.wroteThrottled() ? 1 : 0);
        }
        if (result instanceof Invoker.Result.TimedOut timedOut) {
            pool.discard(instance);
            counters.functionErrors.increment();
            counters.timeouts.increment();
            if (waitMillis < timeoutMillis || timeoutAfterWrites > 0) {
                counters.chaosTimeouts.increment();
            }
            // Lambda's message for a timeout, with the function's configured Timeout.
            String message = String.format(Locale.ROOT, "Task timed out after %.2f seconds", timeoutMillis / 1000.0);
            LOG.log(Level.DEBUG, "Invocation timed out, instance discarded. shard=[" + shardId + "] seq=["
                    + records.get(0).sequenceNumber() + "] size=" + records.size() + " writes=" + invocation.writes()
                    + " reason=[" + timedOut.reason() + "]");
            return new Outcome(0, message, LastFailure.FUNCTION_ERROR);
        }
        if (chaos.recycle()) {
            pool.discard(instance);
        } else {
            pool.release(instance);
        }
        if (result instanceof Invoker.Result.Threw threw) {
            counters.functionErrors.increment();
            LOG.log(Level.DEBUG, "Function error. shard=[" + shardId + "] seq=[" + records.get(0).sequenceNumber()
                    + "] size=" + records.size() + ": " + threw.error());
            return new Outcome(0, threw.error().toString(), LastFailure.FUNCTION_ERROR);
        }
        StreamsEventResponse response = ((Invoker.Result.Returned) result).response();
        if (!config.reportBatchItemFailures() || response == null || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return new Outcome(-1, null, null);
        }
        counters.partialFailures.increment();
        int first = records.size();
        for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
            int idx = indexOf(records, f == null ? null : f.getItemIdentifier());
            if (idx < 0) {
                // Lambda treats a null, empty or unknown identifier as a failure of the whole batch.
                return new Outcome(0, "invalid batchItemFailures itemIdentifier " + (f == null ? null : f.getItemIdentifier()),
                        LastFailure.RETURNED_FAILURE);
            }
            first = Math.min(first, idx);
        }
        return new Outcome(first, "batchItemFailures reported from " + records.get(first).sequenceNumber(),
                LastFailure.RETURNED_FAILURE);
    }

    private static int indexOf(List<Record> records, String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(sequenceNumber)) {
                return i;
            }
        }
        return -1;
    }

    private static String last(List<Record> records) {
        return records.get(records.size() - 1).sequenceNumber();
    }
}

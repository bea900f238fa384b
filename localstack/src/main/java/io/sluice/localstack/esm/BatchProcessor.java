package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Lambda's rules for one batch of one shard: invoke, then on a function error or reported item failure
 * retry (with bisection if configured), skip records past the maximum age, and hand what cannot be
 * processed to the failure destination. Records are finished strictly in order: every finished prefix is
 * checkpointed before later records are attempted, so the shard never overtakes a failing record.
 *
 * <p>A reported item failure checkpoints the records before it and retries from it (a retry). A function
 * error with bisection on halves the batch instead. Bisection does not count as a retry: a batch of 100 with one poison record costs about
 * {@code 2 * log2(100)} extra invocations and then {@code MaximumRetryAttempts} retries of the poison
 * record alone, after which only that record goes to the destination. Records of a half that failed are
 * delivered again (at-least-once, as on Lambda); handlers must be idempotent.
 */
final class BatchProcessor {
    private static final System.Logger LOG = System.getLogger(BatchProcessor.class.getName());

    private final RequestHandler<KinesisEvent, StreamsEventResponse> handler;
    private final EventSourceMappingConfig config;
    private final FailureDestination destination;
    private final String shardId;
    private final String streamArn;
    private final String region;
    private final String functionArn;
    private final Consumer<String> checkpointer;
    private final BooleanSupplier running;
    private final EsmCounters counters;

    BatchProcessor(RequestHandler<KinesisEvent, StreamsEventResponse> handler, EventSourceMappingConfig config,
                   FailureDestination destination, String shardId, String streamArn, String region,
                   Consumer<String> checkpointer, BooleanSupplier running, EsmCounters counters) {
        this.handler = handler;
        this.config = config;
        this.destination = destination;
        this.shardId = shardId;
        this.streamArn = streamArn;
        this.region = region;
        this.functionArn = "arn:aws:lambda:" + region + ":000000000000:function:" + config.functionName();
        this.checkpointer = checkpointer;
        this.running = running;
        this.counters = counters;
    }

    /**
     * Finishes every record of {@code batch}, in order, or returns early (without checkpointing the
     * rest) when the runtime stops.
     */
    void process(List<Record> batch) throws InterruptedException {
        segment(batch, 0);
    }

    /** @return false if stopped before the segment was finished */
    private boolean segment(List<Record> records, int retriesUsed) throws InterruptedException {
        List<Record> pending = records;
        int invokes = 0;
        String lastError = null;
        while (!pending.isEmpty()) {
            if (!running.getAsBoolean()) {
                return false;
            }
            pending = dropExpired(pending, invokes);
            if (pending.isEmpty()) {
                return true;
            }
            invokes++;
            Outcome outcome = invoke(pending);
            if (outcome.failedFrom < 0) {
                checkpointer.accept(last(pending));
                return true;
            }
            lastError = outcome.error;
            if (outcome.failedFrom > 0) {
                checkpointer.accept(pending.get(outcome.failedFrom - 1).sequenceNumber());
                pending = pending.subList(outcome.failedFrom, pending.size());
            }
            // A reported item failure already says where to resume ("bisects at the returned sequence
            // number"); only a function error halves the batch.
            if (outcome.functionError && config.bisectBatchOnFunctionError() && pending.size() > 1) {
                int mid = pending.size() / 2;
                counters.bisections.increment();
                return segment(pending.subList(0, mid), retriesUsed) && segment(pending.subList(mid, pending.size()), retriesUsed);
            }
            retriesUsed++;
            if (config.maximumRetryAttempts() >= 0 && retriesUsed > config.maximumRetryAttempts()) {
                toDestination(pending, FailureDestination.Condition.RetryAttemptsExhausted, lastError, invokes);
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
        Instant oldest = Instant.now().minus(maxAge);
        int expired = 0;
        while (expired < records.size() && records.get(expired).approximateArrivalTimestamp() != null
                && records.get(expired).approximateArrivalTimestamp().isBefore(oldest)) {
            expired++;
        }
        if (expired == 0) {
            return records;
        }
        toDestination(records.subList(0, expired), FailureDestination.Condition.RecordAgeExceeded,
                "record older than MaximumRecordAgeInSeconds=" + maxAge.toSeconds(), invokes);
        return records.subList(expired, records.size());
    }

    private void toDestination(List<Record> records, FailureDestination.Condition condition, String error, int invokes) {
        destination.send(records, condition, error, invokes, shardId, streamArn, functionArn);
        counters.recordsToDestination.add(records.size());
        checkpointer.accept(last(records));
    }

    /**
     * failedFrom: -1 on success, else the index of the first record to retry; functionError: the whole
     * batch failed (exception, or an unusable batchItemFailures answer).
     */
    private record Outcome(int failedFrom, String error, boolean functionError) { }

    private Outcome invoke(List<Record> records) {
        counters.invocations.increment();
        counters.recordsDelivered.add(records.size());
        StreamsEventResponse response;
        KinesisEvent event = KinesisEvents.of(records, shardId, streamArn, region);
        long t0 = System.nanoTime();
        try {
            response = handler.handleRequest(event, new LocalLambdaContext(config.functionName(), functionArn, 900_000));
        } catch (RuntimeException | Error e) {
            counters.functionErrors.increment();
            LOG.log(Level.DEBUG, "Function error. shard=[" + shardId + "] seq=[" + records.get(0).sequenceNumber()
                    + "] size=" + records.size() + ": " + e);
            return new Outcome(0, e.toString(), true);
        } finally {
            counters.handlerNanos.add(System.nanoTime() - t0);
        }
        if (!config.reportBatchItemFailures() || response == null || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return new Outcome(-1, null, false);
        }
        counters.partialFailures.increment();
        int first = records.size();
        for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
            int idx = indexOf(records, f == null ? null : f.getItemIdentifier());
            if (idx < 0) {
                // Lambda treats a null, empty or unknown identifier as a failure of the whole batch.
                return new Outcome(0, "invalid batchItemFailures itemIdentifier " + (f == null ? null : f.getItemIdentifier()), true);
            }
            first = Math.min(first, idx);
        }
        return new Outcome(first, "batchItemFailures reported from " + records.get(first).sequenceNumber(), false);
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

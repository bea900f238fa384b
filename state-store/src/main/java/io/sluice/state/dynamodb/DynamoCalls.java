package io.sluice.state.dynamodb;

import io.sluice.state.StateStoreException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs DynamoDB calls with exponential back-off and full jitter on throttling and server errors, and meters them.
 *
 * <p>Back-off: attempt {@code n} (from 0) that fails with {@code ProvisionedThroughputExceededException},
 * {@code RequestLimitExceeded}, {@code ThrottlingException}, a 5xx or a transaction conflict sleeps a uniform random time in
 * {@code [0, min(cap, base * 2^n))}, up to {@code maxAttempts} attempts. This loop sits outside the SDK's own
 * retry strategy: with the SDK default (standard mode, 3 attempts with its own short back-off) each of our attempts
 * may be up to 3 HTTP requests; our longer cap is what rides out sustained throttling (a hot partition, an
 * on-demand table doubling its capacity). Build the client with {@code AwsRetryStrategy.doNotRetry()} to make this
 * loop the only one. Every HTTP request reaching the engine is counted in {@link #calls}.
 */
final class DynamoCalls {

    private final int maxAttempts;
    private final long baseMillis;
    private final long capMillis;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final DoubleAdder readUnits = new DoubleAdder();
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DoubleAdder estimatedReadUnits = new DoubleAdder();
    private final DoubleAdder estimatedWriteUnits = new DoubleAdder();

    DynamoCalls(int maxAttempts, Duration base, Duration cap) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.baseMillis = Math.max(1, base.toMillis());
        this.capMillis = Math.max(baseMillis, cap.toMillis());
    }

    /** Runs a read call: its consumed capacity counts as read units. */
    <T> T read(String api, Supplier<T> call, Function<T, ConsumedCapacity> consumed) {
        T response = run(api, call);
        add(readUnits, consumed.apply(response));
        return response;
    }

    /** Runs a write call: its consumed capacity counts as write units. */
    <T> T write(String api, Supplier<T> call, Function<T, ConsumedCapacity> consumed) {
        T response = run(api, call);
        add(writeUnits, consumed.apply(response));
        return response;
    }

    /** Runs a batch call whose response lists capacity per table. */
    <T> T batch(String api, boolean isWrite, Supplier<T> call, Function<T, List<ConsumedCapacity>> consumed) {
        T response = run(api, call);
        List<ConsumedCapacity> list = consumed.apply(response);
        if (list != null) {
            list.forEach(c -> add(isWrite ? writeUnits : readUnits, c));
        }
        return response;
    }

    void estimateRead(double units) {
        estimatedReadUnits.add(units);
    }

    void estimateWrite(double units) {
        estimatedWriteUnits.add(units);
    }

    CapacityUsage usage() {
        Map<String, Long> byApi = new TreeMap<>();
        calls.forEach((api, n) -> byApi.put(api, n.sum()));
        return new CapacityUsage(readUnits.sum(), writeUnits.sum(), estimatedReadUnits.sum(),
                estimatedWriteUnits.sum(), byApi);
    }

    private <T> T run(String api, Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            calls.computeIfAbsent(api, a -> new LongAdder()).increment();
            try {
                return call.get();
            } catch (AwsServiceException e) {
                if (!isRetryable(e) || attempt + 1 >= maxAttempts) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    static boolean isRetryable(AwsServiceException e) {
        if (e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException
                || e.isThrottlingException()) {
            return true;
        }
        if (e instanceof TransactionCanceledException t && t.hasCancellationReasons()) {
            // Another transaction held an item: retry. A failed condition is an answer, not a transient error.
            return t.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()))
                    && t.cancellationReasons().stream().noneMatch(r -> "ConditionalCheckFailed".equals(r.code()));
        }
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return "ThrottlingException".equals(code) || "RequestLimitExceeded".equals(code) || e.statusCode() >= 500;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** Sleeps the full-jitter back-off of attempt {@code attempt} (from 0). */
    void pause(int attempt) {
        long ceiling = attempt >= 30 ? capMillis : Math.min(capMillis, baseMillis << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("interrupted while backing off from DynamoDB throttling", e);
        }
    }

    private static void add(DoubleAdder adder, ConsumedCapacity c) {
        if (c != null && c.capacityUnits() != null) {
            adder.add(c.capacityUnits());
        }
    }
}

package io.sluice.localstack;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the <em>sequential round trips</em> of a client's calls: the length of the longest chain of calls each
 * started after the previous one finished. Calls in flight together count once; calls one after the other count
 * each. That chain, times the latency of one round trip, is the time a caller waits (what Lambda bills), whatever
 * the number of calls.
 *
 * <pre>{@code
 * RoundTripMeter meter = RoundTripMeter.withLatency(Duration.ofMillis(20));
 * DynamoDbClient dynamo = DynamoDbClient.builder()...overrideConfiguration(c -> c.addExecutionInterceptor(meter)).build();
 * meter.reset();
 * handler.handleRequest(batch, null);
 * int sequential = meter.sequentialRoundTrips();   // 4: three calls after one another, then ten at once
 * }</pre>
 *
 * <p>How: a call that starts gets depth {@code 1 + the deepest depth finished so far}; the answer is the deepest
 * finished depth. Calls that start together share a depth. {@link #withLatency} also sleeps before each HTTP request,
 * so the concurrency is visible on an engine as fast as a local one (where a call can finish before the next starts).
 */
public final class RoundTripMeter implements ExecutionInterceptor {

    private static final ExecutionAttribute<Integer> DEPTH = new ExecutionAttribute<>("sluice.roundTripDepth");

    private final long latencyMillis;
    private final AtomicInteger finishedDepth = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    /** Operations started at each depth since {@link #reset}, by name: what the chain is made of. */
    private final Map<Integer, Map<String, Integer>> started = new TreeMap<>();

    private RoundTripMeter(long latencyMillis) {
        this.latencyMillis = latencyMillis;
    }

    /** Measures only. */
    public static RoundTripMeter create() {
        return new RoundTripMeter(0);
    }

    /** Measures, and adds {@code latency} to every HTTP request, as a network between the caller and DynamoDB. */
    public static RoundTripMeter withLatency(Duration latency) {
        return new RoundTripMeter(latency.toMillis());
    }

    /** Starts a new measurement; call it when no call is in flight. */
    public void reset() {
        finishedDepth.set(0);
        calls.set(0);
        maxInFlight.set(0);
        synchronized (started) {
            started.clear();
        }
    }

    /**
     * The chain since {@link #reset}, depth by depth: the operations that started at each,
     * {@code "1 GetItem | 2 PutItem x16, UpdateItem | 3 Query x2"}. A depth's calls went out together, after every call
     * of a lower depth that any of them waited for.
     */
    public String chain() {
        StringBuilder sb = new StringBuilder();
        synchronized (started) {
            started.forEach((depth, ops) -> {
                sb.append(sb.length() == 0 ? "" : " | ").append(depth).append(' ');
                StringJoiner joiner = new StringJoiner(", ");
                ops.forEach((op, n) -> joiner.add(n == 1 ? op : op + " x" + n));
                sb.append(joiner);
            });
        }
        return sb.toString();
    }

    /** Calls made since {@link #reset}, by operation ({@link #operation}). */
    public Map<String, Integer> callsByOperation() {
        Map<String, Integer> byOperation = new TreeMap<>();
        synchronized (started) {
            started.values().forEach(ops -> ops.forEach((op, n) -> byOperation.merge(op, n, Integer::sum)));
        }
        return byOperation;
    }

    /** The operation a request is for, as counts name it: {@code PutItem} for a {@code PutItemRequest}. */
    public static String operation(SdkRequest request) {
        return request.getClass().getSimpleName().replace("Request", "");
    }

    /** Longest chain of calls, each started after the previous finished, since {@link #reset}. */
    public int sequentialRoundTrips() {
        return finishedDepth.get();
    }

    /** Calls made since {@link #reset}. */
    public int calls() {
        return calls.get();
    }

    /** Most calls in flight at once since {@link #reset}. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        int depth = finishedDepth.get() + 1;
        attributes.putAttribute(DEPTH, depth);
        String op = operation(context.request());
        synchronized (started) {
            started.computeIfAbsent(depth, d -> new TreeMap<>()).merge(op, 1, Integer::sum);
        }
        calls.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (latencyMillis > 0) {
            try {
                Thread.sleep(latencyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        finished(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        finished(attributes);
    }

    private void finished(ExecutionAttributes attributes) {
        Integer depth = attributes.getAttribute(DEPTH);
        if (depth != null) {
            finishedDepth.accumulateAndGet(depth, Math::max);
        }
        inFlight.decrementAndGet();
    }
}

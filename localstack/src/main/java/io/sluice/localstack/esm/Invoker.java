package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one invocation on its instance's worker thread and waits for it at most the function's timeout (or the
 * earlier point chaos mode picked). On a timeout the invocation is frozen (later AWS calls from any thread of its
 * instance fail, see {@link LocalInvocation} and {@link InstanceThreads}) and its worker interrupted; a handler that
 * ignores the interruption keeps its thread but is abandoned: its instance is never used again, and its result, if
 * it ever comes, is dropped.
 */
final class Invoker {

    /** How an invocation ended. */
    sealed interface Result {
        /** The handler returned (possibly null). */
        record Returned(StreamsEventResponse response) implements Result { }

        /** The handler threw. */
        record Threw(Throwable error) implements Result { }

        /** The invocation was abandoned at its deadline or at chaos' request. */
        record TimedOut(String reason) implements Result { }
    }

    /**
     * @param waitMillis how long to wait before timing the invocation out
     * @return the result; never throws for the handler's failures
     * @throws InterruptedException if the calling (shard) thread is interrupted; the invocation is then abandoned
     */
    Result invoke(HandlerInstance instance, KinesisEvent event, Context context, LocalInvocation invocation,
                  long waitMillis) throws InterruptedException {
        CompletableFuture<StreamsEventResponse> result = new CompletableFuture<>();
        instance.execute(() -> {
            invocation.bind(instance.threads());
            try {
                result.complete(instance.handler().handleRequest(event, context));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                invocation.unbind();
                Thread.interrupted(); // an interrupt meant for this invocation must not reach the next one
            }
        });
        try {
            CompletableFuture.anyOf(result, invocation.timeoutRequested()).get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // fall through: decided below, atomically with the invocation finishing
        } catch (ExecutionException e) {
            // the handler threw: read below
        } catch (InterruptedException e) {
            invocation.abandon();
            throw e;
        }
        if (invocation.timeoutRequested().isDone()) {
            invocation.abandon(); // already frozen by the write that requested it; interrupts the thread
            return new Result.TimedOut(invocation.timeoutRequested().getNow("chaos"));
        }
        if (!result.isDone() && invocation.abandon()) {
            return new Result.TimedOut("deadline of " + waitMillis + " ms");
        }
        try {
            return new Result.Returned(result.join());
        } catch (RuntimeException e) {
            return new Result.Threw(e.getCause() == null ? e : e.getCause());
        }
    }
}

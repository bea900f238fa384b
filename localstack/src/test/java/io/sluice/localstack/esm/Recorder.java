package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Handler instances for the runtime's unit tests, built by {@link #factory()}: every invocation is recorded with
 * the instance that ran it, then a behaviour decides the answer (return, throw, hang).
 */
final class Recorder {

    /** One invocation as an instance saw it. */
    record Call(int instance, String shardId, List<String> sequenceNumbers, List<String> data, int remainingMillis) {
        String first() {
            return sequenceNumbers.get(0);
        }
    }

    /** What an instance does with a call. */
    interface Behaviour {
        StreamsEventResponse apply(Call call) throws Exception;
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger instances = new AtomicInteger();
    final AtomicInteger maxInFlightPerShard = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Behaviour behaviour;

    Recorder(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    static Recorder succeeding() {
        return new Recorder(call -> new StreamsEventResponse());
    }

    HandlerFactory factory() {
        return () -> {
            int id = instances.incrementAndGet();
            return new RequestHandler<KinesisEvent, StreamsEventResponse>() {
                @Override
                public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
                    return handle(id, event, context);
                }
            };
        };
    }

    private StreamsEventResponse handle(int instance, KinesisEvent event, Context context) {
        List<String> seqs = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            seqs.add(r.getKinesis().getSequenceNumber());
            byte[] bytes = new byte[r.getKinesis().getData().remaining()];
            r.getKinesis().getData().duplicate().get(bytes);
            data.add(new String(bytes, StandardCharsets.UTF_8));
        }
        String shard = event.getRecords().get(0).getEventID().split(":")[0];
        Call call = new Call(instance, shard, seqs, data, context.getRemainingTimeInMillis());
        calls.add(call);
        AtomicInteger n = inFlight.computeIfAbsent(shard, k -> new AtomicInteger());
        maxInFlightPerShard.accumulateAndGet(n.incrementAndGet(), Math::max);
        try {
            return behaviour.apply(call);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            n.decrementAndGet();
        }
    }

    /** @return data of every call, in call order, with repeats */
    List<String> delivered() {
        List<String> out = new ArrayList<>();
        calls.forEach(c -> out.addAll(c.data()));
        return out;
    }

    /** A mapping over fake engines: quick polling, a 2 s timeout unless changed. */
    static EventSourceMappingConfig config() {
        return EventSourceMappingConfig.forStream(FakeKinesis.STREAM).withFunctionName("f")
                .withLocalTimings(Duration.ofMillis(5), Duration.ofMillis(5)).withFunctionTimeout(Duration.ofSeconds(2));
    }

    static LocalEventSourceMapping start(FakeKinesis kinesis, FakeSqs sqs, EventSourceMappingConfig config,
                                         HandlerFactory handlers, Chaos chaos, Clock clock) {
        return LocalEventSourceMapping.builder(config).handlers(handlers).chaos(chaos).clock(clock)
                .build(kinesis, sqs, "us-east-1").start();
    }

    static LocalEventSourceMapping start(FakeKinesis kinesis, FakeSqs sqs, EventSourceMappingConfig config,
                                         Recorder recorder) {
        return start(kinesis, sqs, config, recorder.factory(), Chaos.off(), Clock.systemUTC());
    }
}

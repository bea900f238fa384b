package io.sluice.it;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A Lambda handler for tests: records every delivery, in delivery order, then applies a behaviour. */
final class RecordingHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    /** One record as the handler saw it. */
    record Delivery(String shardId, String sequenceNumber, String partitionKey, String data, int invocation) { }

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final List<List<Delivery>> invocations = new CopyOnWriteArrayList<>();
    private final Function<List<Delivery>, StreamsEventResponse> behaviour;

    RecordingHandler(Function<List<Delivery>, StreamsEventResponse> behaviour) {
        this.behaviour = behaviour;
    }

    static RecordingHandler succeeding() {
        return new RecordingHandler(batch -> new StreamsEventResponse());
    }

    /** Invocations seen running at once for one shard (must stay at most 1) and over all shards. */
    final AtomicInteger maxInFlightPerShard = new AtomicInteger();
    final AtomicInteger maxInFlightOverall = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightOverall = new AtomicInteger();
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        String firstShard = event.getRecords().get(0).getEventID().split(":")[0];
        AtomicInteger shardInFlight = inFlight.computeIfAbsent(firstShard, k -> new AtomicInteger());
        maxInFlightPerShard.accumulateAndGet(shardInFlight.incrementAndGet(), Math::max);
        maxInFlightOverall.accumulateAndGet(inFlightOverall.incrementAndGet(), Math::max);
        try {
            return handle(event);
        } finally {
            shardInFlight.decrementAndGet();
            inFlightOverall.decrementAndGet();
        }
    }

    private StreamsEventResponse handle(KinesisEvent event) {
        List<Delivery> batch = new ArrayList<>();
        int n = count.getAndIncrement();
        for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
            String shard = r.getEventID().substring(0, r.getEventID().indexOf(':'));
            byte[] bytes = new byte[r.getKinesis().getData().remaining()];
            r.getKinesis().getData().duplicate().get(bytes);
            batch.add(new Delivery(shard, r.getKinesis().getSequenceNumber(), r.getKinesis().getPartitionKey(),
                    new String(bytes, StandardCharsets.UTF_8), n));
        }
        invocations.add(batch);
        deliveries.addAll(batch);
        return behaviour.apply(batch);
    }
}

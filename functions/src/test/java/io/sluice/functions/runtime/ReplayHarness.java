package io.sluice.functions.runtime;

import io.sluice.functions.driver.PipelineRun;
import io.sluice.functions.examples.GmvPipelines;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.StateStore;
import io.sluice.state.StateStoreException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Drives the production runtime ({@link SplitProcessor}, {@link WindowFirer}) over Kinesis-like batches of
 * {@code gmv-by-category} orders on two shards, the way the Lambda handler and the event source mapping do: after
 * each delivered batch the global watermark is recomputed and passed windows fire. Scenarios replace processors
 * (new Lambda instances) and inject crashes between deliveries.
 */
final class ReplayHarness {

    /** 16 key buckets: a batch writes dozens of items, so a crash can fall between any two of them. */
    static final CompiledPipeline PIPELINE = CompiledPipeline.compile(GmvPipelines.byCategory(16));
    static final List<String> SHARDS = List.of("shardId-000000000000", "shardId-000000000001");

    final Supplier<StateStore> instances;
    final StateStore control;
    final CollectingOutputs outputs = new CollectingOutputs();
    final RunMetrics metrics = new RunMetrics();
    private long watermark = Long.MIN_VALUE;

    ReplayHarness(Supplier<StateStore> instances) {
        this.instances = instances;
        this.control = instances.get();
    }

    /** Orders of a few minutes, per shard (assigned by order id like a partition key), in Kinesis-like batches. */
    static Map<String, List<OrderBatch>> batches(int records, int batchSize) {
        Map<String, List<Order>> byShard = new LinkedHashMap<>();
        SHARDS.forEach(s -> byShard.put(s, new ArrayList<>()));
        OrdersGenerator.builder().records(records).seed(7).start(Instant.parse("2020-11-10T16:00:00Z"))
                .duration(Duration.ofMinutes(4)).build()
                .forEach(o -> byShard.get(SHARDS.get(Math.floorMod(o.orderId().hashCode(), SHARDS.size()))).add(o));
        Map<String, List<OrderBatch>> batches = new LinkedHashMap<>();
        byShard.forEach((shard, orders) -> {
            List<Fence> fences = new ArrayList<>();
            BigInteger seq = new BigInteger("49590338271490256608559692538361571095921575989136588898");
            for (int i = 0; i < orders.size(); i++) {
                fences.add(Fence.of(seq.toString()));
                seq = seq.add(BigInteger.valueOf(1_000_000_007L));
            }
            List<OrderBatch> list = new ArrayList<>();
            for (int i = 0; i < orders.size(); i += batchSize) {
                int end = Math.min(orders.size(), i + batchSize);
                list.add(new OrderBatch(orders.subList(i, end), fences.subList(i, end)));
            }
            batches.put(shard, list);
        });
        return batches;
    }

    SplitProcessor newInstance(String shard, StateStore store) {
        return newInstance(shard, store, PIPELINE);
    }

    /** A new instance of {@code pipeline}: the harness's pipeline redeployed with another key-bucket count, say. */
    SplitProcessor newInstance(String shard, StateStore store, CompiledPipeline pipeline) {
        SplitProcessor processor = new SplitProcessor(pipeline, store, shard, outputs, metrics,
                SplitProcessor.Mode.STREAM);
        processor.state();
        return processor;
    }

    void process(SplitProcessor processor, RecordBatch batch) {
        processor.process(batch, 0);
    }

    /** Fires what the global watermark has passed, as the handler does after each batch. */
    void fire(String owner) {
        watermark = Math.max(watermark,
                PipelineRun.stream(PIPELINE, instances.get(), outputs, metrics).withOwnerPrefix(owner).fire(0));
    }

    /** Marks every shard finished and fires the rest; returns the final rows. */
    List<ResultRow> finish(Map<String, SplitProcessor> processors) {
        processors.values().forEach(p -> p.finish(0));
        fire("final-firer");
        return outputs.finalResults();
    }

    /** A clean run: every batch once, in shard round-robin order. */
    static List<ResultRow> cleanRun(Supplier<StateStore> instances, Map<String, List<OrderBatch>> batches) {
        ReplayHarness h = new ReplayHarness(instances);
        Map<String, SplitProcessor> processors = new LinkedHashMap<>();
        SHARDS.forEach(s -> processors.put(s, h.newInstance(s, h.instances.get())));
        int rounds = batches.values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < rounds; i++) {
            for (String shard : SHARDS) {
                if (i < batches.get(shard).size()) {
                    h.process(processors.get(shard), batches.get(shard).get(i));
                    h.fire("firer");
                }
            }
        }
        return h.finish(processors);
    }

    /**
     * A store whose partial writes fail once {@code writesLeft} reaches 0 (set it to k before a batch: k writes
     * pass, the next one fails, like an invocation dying midway); negative means no crash.
     */
    static StateStore crashing(StateStore delegate, AtomicInteger writesLeft) {
        return crashingOn("writePartial", delegate, writesLeft);
    }

    /** A store whose calls of {@code method} fail once {@code callsLeft} reaches 0; negative means no crash. */
    static StateStore crashingOn(String method, StateStore delegate, AtomicInteger callsLeft) {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
                (proxy, called, args) -> {
                    if (called.getName().equals(method + "s") && called.isDefault()) {
                        // A batch (writePartials) is its single calls here, each one a crash point.
                        return InvocationHandler.invokeDefault(proxy, called, args);
                    }
                    if (called.getName().equals(method) && callsLeft.getAndDecrement() == 0) {
                        throw new StateStoreException("injected crash before " + method);
                    }
                    try {
                        return called.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Whether {@code e} is the injected crash (and not, say, a fence conflict escaping the runtime). */
    static boolean isInjectedCrash(RuntimeException e) {
        return e instanceof StateStoreException && !(e instanceof FenceConflictException)
                && e.getMessage().startsWith("injected crash");
    }

    /** Orders as JSON lines with Kinesis-like sequence numbers. */
    record OrderBatch(List<Order> orders, List<Fence> fences) implements RecordBatch {

        OrderBatch concat(OrderBatch next) {
            List<Order> o = new ArrayList<>(orders);
            o.addAll(next.orders);
            List<Fence> f = new ArrayList<>(fences);
            f.addAll(next.fences);
            return new OrderBatch(o, f);
        }

        OrderBatch slice(int from, int to) {
            return new OrderBatch(orders.subList(from, to), fences.subList(from, to));
        }

        @Override
        public int size() {
            return orders.size();
        }

        @Override
        public byte[] buffer(int i) {
            return orders.get(i).toJson().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int offset(int i) {
            return 0;
        }

        @Override
        public int length(int i) {
            return buffer(i).length;
        }

        @Override
        public Fence fence(int i) {
            return fences.get(i);
        }

        @Override
        public String position(int i) {
            return "seq=" + fences.get(i).sequenceNumber();
        }
    }
}

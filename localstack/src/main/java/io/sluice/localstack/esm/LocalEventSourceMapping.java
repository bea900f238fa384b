package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.localstack.LocalAws;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A Kinesis event source mapping run locally: polls every shard of a stream and invokes a Lambda
 * handler in this JVM with Lambda's rules (see {@link EventSourceMappingConfig}): records of a shard in
 * order, one invocation per shard at a time, shards in parallel, and a child shard (after a split or
 * merge) only once all its parents are fully processed. Shards are discovered with {@code ListShards},
 * which kinesis-mock, kinesalite and LocalStack all serve.
 *
 * <p>Invocations run as on Lambda: on a pool of handler instances built by a {@link HandlerFactory} (an idle one
 * drawn at random, a new one when none is idle), each within the function's {@code Timeout}; a timed-out
 * invocation is interrupted, frozen on every thread of its instance (see {@link LocalInvocation}) and its instance
 * discarded. {@link Chaos} makes it harsher on demand.
 *
 * <pre>{@code
 * try (LocalEventSourceMapping esm = LocalEventSourceMapping.builder(config)
 *         .handlers(() -> new KinesisOperatorHandler(wiring.kinesisOperator(clock, metrics)))
 *         .checkpoints(CheckpointStore.file(Path.of(".sluice/local/checkpoints.json")))
 *         .chaos(Chaos.seeded(42))                   // optional
 *         .start(localAws)) {
 *     putRecords(...);
 *     esm.awaitDrained(Duration.ofSeconds(30));   // everything in the stream so far is processed
 * }
 * }</pre>
 */
public final class LocalEventSourceMapping implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalEventSourceMapping.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final EventSourceMappingConfig config;
    private final HandlerPool pool;
    private final Invoker invoker = new Invoker();
    private final Chaos chaos;
    private final Clock clock;
    private final KinesisClient kinesis;
    private final CheckpointStore checkpoints;
    private final FailureDestination destination;
    private final ChaosResharder resharder;
    private final String region;
    private final EsmCounters counters = new EsmCounters();
    private final Map<String, ShardPoller> pollers = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sluice-esm-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Object discoveryLock = new Object();
    /** Clients created for this mapping, closed with it. */
    final List<AutoCloseable> owned = new ArrayList<>();

    private volatile boolean running;
    private volatile String streamArn;
    private volatile String mappingKey;
    private volatile Map<String, Shard> shards = Map.of();
    private volatile long lastDiscoveryStart;

    /**
     * @param config the mapping's settings
     * @param handler the function, one instance shared by every invocation (see {@link HandlerFactory#shared}): the
     *     timeout is not enforced
     * @param kinesis client for the stream (not closed by this runtime)
     * @param sqs client for the on-failure destination (not closed by this runtime)
     * @param checkpoints where per-shard progress is kept
     * @param region region reported in events
     */
    public LocalEventSourceMapping(EventSourceMappingConfig config, RequestHandler<KinesisEvent, StreamsEventResponse> handler,
                                   KinesisClient kinesis, SqsClient sqs, CheckpointStore checkpoints, String region) {
        this(config, HandlerFactory.shared(handler), kinesis, sqs, checkpoints, region, Chaos.off(), Clock.systemUTC());
    }

    LocalEventSourceMapping(EventSourceMappingConfig config, HandlerFactory handlers, KinesisClient kinesis,
                            SqsClient sqs, CheckpointStore checkpoints, String region, Chaos chaos, Clock clock) {
        this.config = config;
        if (handlers instanceof HandlerFactory.Shared && chaos.enabled()) {
            throw new IllegalArgumentException("Chaos mode needs a HandlerFactory: a single shared handler instance can"
                    + " be neither timed out nor recycled");
        }
        this.pool = new HandlerPool(handlers, chaos.seed(), counters);
        this.kinesis = kinesis;
        this.checkpoints = checkpoints;
        this.destination = new FailureDestination(sqs, config.onFailureDestination(), clock);
        this.resharder = new ChaosResharder(kinesis, config.streamName(), chaos.maxOpenShards(), counters);
        this.region = region;
        this.chaos = chaos;
        this.clock = clock;
    }

    /**
     * Creates clients from {@code aws} (closed with the mapping) and starts polling, with one handler instance
     * shared by every invocation. That instance cannot be discarded, so the function's timeout is not enforced
     * (an abandoned call would run beside its retry on the same instance) and chaos mode is refused. Prefer
     * {@link #builder} with a {@link HandlerFactory}.
     *
     * @return the running mapping
     */
    public static LocalEventSourceMapping start(EventSourceMappingConfig config,
                                                RequestHandler<KinesisEvent, StreamsEventResponse> handler,
                                                LocalAws aws, CheckpointStore checkpoints) {
        return builder(config).handlers(HandlerFactory.shared(handler)).checkpoints(checkpoints).start(aws);
    }

    /**
     * @param config the mapping's settings
     * @return a builder: {@code handlers(..)} is required; checkpoints default to in-memory, chaos to off
     */
    public static LocalEventSourceMappingBuilder builder(EventSourceMappingConfig config) {
        return new LocalEventSourceMappingBuilder(config);
    }

    /**
     * Starts polling; the stream must exist.
     *
     * @return this
     */
    public synchronized LocalEventSourceMapping start() {
        if (running) {
            return this;
        }
        StreamDescriptionSummary s = kinesis.describeStreamSummary(b -> b.streamName(config.streamName())).streamDescriptionSummary();
        streamArn = s.streamARN();
        mappingKey = config.functionName() + "|" + streamArn + "|" + s.streamCreationTimestamp().toEpochMilli();
        running = true;
        executor.execute(this::discoveryLoop);
        LOG.log(Level.INFO, "Local event source mapping started. function=[" + config.functionName() + "] stream=["
                + streamArn + "] timeout=" + config.functionTimeout() + " " + chaos);
        return this;
    }

    private void discoveryLoop() {
        while (running) {
            try {
                discover();
                synchronized (discoveryLock) {
                    discoveryLock.wait(Math.max(200, config.pollInterval().toMillis() * 2));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "ListShards failed: " + e);
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void discover() {
        long start = System.nanoTime();
        Map<String, Shard> found = new java.util.LinkedHashMap<>();
        String token = null;
        do {
            String t = token;
            var resp = t == null ? kinesis.listShards(b -> b.streamName(config.streamName()))
                    : kinesis.listShards(b -> b.nextToken(t));
            resp.shards().forEach(sh -> found.put(sh.shardId(), sh));
            token = resp.nextToken();
        } while (token != null);
        shards = found;
        for (Shard shard : found.values()) {
            String id = shard.shardId();
            if (pollers.containsKey(id) || finished.contains(id)) {
                continue;
            }
            if (checkpoints.get(mappingKey, id).filter(CheckpointStore.SHARD_END::equals).isPresent()) {
                finished.add(id);
                continue;
            }
            if (parentDone(shard.parentShardId(), found) && parentDone(shard.adjacentParentShardId(), found)) {
                startPoller(id, shard.parentShardId() != null);
            }
        }
        lastDiscoveryStart = start;
    }

    /** A parent is done when fully processed, or gone from the stream (trimmed past retention). */
    private boolean parentDone(String parentId, Map<String, Shard> found) {
        return parentId == null || finished.contains(parentId) || !found.containsKey(parentId);
    }

    private void startPoller(String shardId, boolean child) {
        Chaos.Schedule schedule = chaos.forShard(shardId);
        BatchProcessor processor = new BatchProcessor(pool, invoker, config, destination, shardId, streamArn, region,
                seq -> checkpoints.put(mappingKey, shardId, seq), () -> running, counters, schedule, clock);
        ShardPoller poller = new ShardPoller(kinesis, config.streamName(), shardId, streamArn, region, child, config,
                checkpoints, mappingKey, processor, () -> running, counters, schedule, () -> onShardEnd(shardId),
                this::reshard);
        pollers.put(shardId, poller);
        executor.execute(poller);
        LOG.log(Level.DEBUG, "Polling shard. shard=[" + shardId + "] child=" + child);
    }

    private void reshard(String shardId) {
        resharder.reshard(shardId);
        synchronized (discoveryLock) {
            discoveryLock.notifyAll(); // the children appear sooner
        }
    }

    private void onShardEnd(String shardId) {
        finished.add(shardId);
        synchronized (discoveryLock) {
            discoveryLock.notifyAll(); // children may start now
        }
    }

    /**
     * Waits until every record put to the stream before this call has been processed (handled, or given
     * to the failure destination), including records of child shards created before this call.
     *
     * @param timeout how long to wait at most
     * @return true if drained, false on timeout
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        synchronized (discoveryLock) {
            discoveryLock.notifyAll();
        }
        while (System.nanoTime() < deadline) {
            if (lastDiscoveryStart > since && drainedSince(since)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private boolean drainedSince(long since) {
        for (String id : shards.keySet()) {
            if (finished.contains(id)) {
                continue;
            }
            ShardPoller p = pollers.get(id);
            if (p == null || p.caughtUpAt() <= since) {
                return false;
            }
        }
        return true;
    }

    /** @return counters so far */
    public EsmStats stats() {
        return counters.snapshot();
    }

    /** @return the stream's ARN as reported by the engine (null before start) */
    public String streamArn() {
        return streamArn;
    }

    /** @return the chaos this mapping runs with ({@link Chaos#off()} unless set) */
    public Chaos chaos() {
        return chaos;
    }

    /**
     * Stops polling; an invocation in progress finishes (up to 10 s) and unfinished batches are not
     * checkpointed, so a restart delivers them again.
     */
    @Override
    public synchronized void close() {
        running = false;
        synchronized (discoveryLock) {
            discoveryLock.notifyAll();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        pool.close(); // abandoned handler threads are daemons: they never keep the JVM alive
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "close failed: " + e);
            }
        }
        owned.clear();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

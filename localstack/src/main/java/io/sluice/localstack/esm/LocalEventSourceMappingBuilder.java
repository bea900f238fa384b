package io.sluice.localstack.esm;

import io.sluice.localstack.LocalAws;
import java.time.Clock;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Options of a {@link LocalEventSourceMapping} beyond its template settings: the handler factory (required), the
 * checkpoint store (default in memory), chaos (default off) and the clock record ages are judged by.
 *
 * <pre>{@code
 * LocalEventSourceMapping esm = LocalEventSourceMapping.builder(config).handlers(factory).chaos(Chaos.seeded(7)).start(aws);
 * }</pre>
 */
public final class LocalEventSourceMappingBuilder {

    private final EventSourceMappingConfig config;
    private HandlerFactory handlers;
    private CheckpointStore checkpoints = CheckpointStore.inMemory();
    private Chaos chaos = Chaos.off();
    private Clock clock = Clock.systemUTC();

    LocalEventSourceMappingBuilder(EventSourceMappingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @param factory builds handler instances (Lambda's execution environments) @return this */
    public LocalEventSourceMappingBuilder handlers(HandlerFactory factory) {
        this.handlers = factory;
        return this;
    }

    /** @param store per-shard progress @return this */
    public LocalEventSourceMappingBuilder checkpoints(CheckpointStore store) {
        this.checkpoints = store;
        return this;
    }

    /** @param c faults to inject ({@link Chaos#off()} by default) @return this */
    public LocalEventSourceMappingBuilder chaos(Chaos c) {
        this.chaos = Objects.requireNonNull(c, "chaos");
        return this;
    }

    /** @param c the clock record ages and failure records are judged by (tests: ahead of real time) @return this */
    public LocalEventSourceMappingBuilder clock(Clock c) {
        this.clock = Objects.requireNonNull(c, "clock");
        return this;
    }

    /**
     * @param kinesis client for the stream (not closed by the mapping)
     * @param sqs client for the on-failure destination (not closed by the mapping)
     * @param region region reported in events
     * @return the mapping, not started
     */
    public LocalEventSourceMapping build(KinesisClient kinesis, SqsClient sqs, String region) {
        Objects.requireNonNull(handlers, "handlers");
        return new LocalEventSourceMapping(config, handlers, kinesis, sqs, checkpoints, region, chaos, clock);
    }

    /**
     * Creates clients from {@code aws} (closed with the mapping) and starts polling.
     *
     * @return the running mapping
     */
    public LocalEventSourceMapping start(LocalAws aws) {
        KinesisClient kinesis = aws.kinesis();
        SqsClient sqs = aws.sqs();
        LocalEventSourceMapping esm = build(kinesis, sqs, aws.region().id());
        esm.owned.add(kinesis);
        esm.owned.add(sqs);
        try {
            return esm.start();
        } catch (RuntimeException e) {
            esm.close(); // e.g. the stream does not exist: do not leak the clients and threads
            throw e;
        }
    }
}

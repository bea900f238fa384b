package io.sluice.simulator;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.text.MessageFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** What the simulated Lambda instances see of the world: the shard listing, the clock, and their error log. */
final class SimulatedWorld {

    private SimulatedWorld() {
    }

    /** ListShards over the simulated stream: what is revealed so far, closed parents with an ending number. */
    static final class ListingClient implements KinesisClient {
        private final Supplier<List<SimulatedRuntime.ShardView>> shards;

        ListingClient(Supplier<List<SimulatedRuntime.ShardView>> shards) {
            this.shards = shards;
        }

        @Override
        public ListShardsResponse listShards(ListShardsRequest request) {
            List<Shard> list = new ArrayList<>();
            for (SimulatedRuntime.ShardView s : shards.get()) {
                list.add(Shard.builder().shardId(s.id())
                        .parentShardId(s.parents().isEmpty() ? null : s.parents().get(0))
                        .adjacentParentShardId(s.parents().size() < 2 ? null : s.parents().get(1))
                        .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("0")
                                .endingSequenceNumber(s.closed() ? "99999999999999999999" : null).build())
                        .build());
            }
            return ListShardsResponse.builder().shards(list).build();
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    /** Processing time under the simulator's control. */
    static final class SimClock extends Clock {
        private final LongSupplier now;

        SimClock(LongSupplier now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.getAsLong());
        }

        @Override
        public long millis() {
            return now.getAsLong();
        }
    }

    /** Keeps the last SEVERE message of the runtime: the cause of a reported batch failure. */
    static final class LastError extends Handler {
        volatile String last;

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                String m = record.getMessage();
                try {
                    m = record.getParameters() == null ? m : MessageFormat.format(m, record.getParameters());
                } catch (IllegalArgumentException e) {
                    // keep the raw pattern
                }
                // Owner ids of the operator's firers are random UUIDs: mask them so traces replay byte for byte.
                last = m == null ? null : m.replaceAll("operator-[0-9a-f-]{36}", "operator-*");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

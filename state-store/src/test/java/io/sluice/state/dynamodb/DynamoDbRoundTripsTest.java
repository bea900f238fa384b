package io.sluice.state.dynamodb;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.localstack.RoundTripMeter;
import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.PartialWrite;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's independent calls wait about one round trip, not one per item: 20 ms added to every request (a network
 * between Lambda and DynamoDB), and the longest chain of calls one after the other measured by {@link RoundTripMeter}.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbRoundTripsTest {

    private static final String STATE = "roundtrips-state";
    private static final Slot MINUTE = new Slot(0, 60_000);
    private static final int ITEMS = 150;
    private static final RoundTripMeter METER = RoundTripMeter.withLatency(Duration.ofMillis(20));
    private static DynamoDbClient dynamo;

    private final String pipeline = "p-" + UUID.randomUUID();

    @BeforeAll
    static void createTables(LocalAws aws) {
        dynamo = DynamoDbClient.builder().endpointOverride(aws.endpoint(io.sluice.localstack.Service.DYNAMODB))
                .region(aws.region()).credentialsProvider(aws.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(METER)).build();
        StateTables.create(dynamo, STATE);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    private DynamoDbStateStore store() {
        return DynamoDbStateStore.builder().withClient(dynamo).withStateTable(STATE).withCoordinationTable(STATE)
                .withWindowBuckets(4).build();
    }

    @Test
    void writePartials_of150Items_waitsAFewRoundTrips_notOnePerItem() {
        DynamoDbStateStore store = store();
        List<PartialWrite> writes = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            writes.add(new PartialWrite(partial(i, "10"), Fence.NONE));
        }
        METER.reset();
        long started = System.nanoTime();

        Set<PartialKey> refused = store.writePartials(writes);

        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(refused).isEmpty();
        assertThat(METER.calls()).isEqualTo(ITEMS);
        // 64 in flight: ceil(150 / 64) = 3 waves. A call that starts after another finished adds one, so a busy
        // machine, where a wave's last calls start late, adds one or two per wave (6 once under a parallel build);
        // 16 in flight would take at least 10, one at a time 150.
        assertThat(METER.sequentialRoundTrips()).as("sequential round trips (%d ms)", millis).isBetween(3, 7);
        assertThat(METER.maxInFlight()).isLessThanOrEqualTo(DynamoDbStateStoreBuilder.DEFAULT_MAX_IN_FLIGHT);
        for (int i = 0; i < ITEMS; i++) {
            assertThat(store.readPartial(key(i)).orElseThrow().fence()).isEqualTo(Fence.of("10"));
        }
    }

    @Test
    void writePartials_refusesOnlyTheItemWhoseFenceMoved_andWritesTheOthers() {
        DynamoDbStateStore store = store();
        for (int i = 0; i < 3; i++) {
            store.writePartial(partial(i, "10"), Fence.NONE);
        }
        store.writePartial(partial(1, "15"), Fence.of("10"));   // another writer moved item 1 on

        Set<PartialKey> refused = store.writePartials(List.of(new PartialWrite(partial(0, "20"), Fence.of("10")),
                new PartialWrite(partial(1, "20"), Fence.of("10")), new PartialWrite(partial(2, "20"), Fence.of("10"))));

        assertThat(refused).containsExactly(key(1));
        assertThat(store.readPartial(key(0)).orElseThrow().fence()).isEqualTo(Fence.of("20"));
        assertThat(store.readPartial(key(1)).orElseThrow().fence()).isEqualTo(Fence.of("15"));
        assertThat(store.readPartial(key(2)).orElseThrow().fence()).isEqualTo(Fence.of("20"));
    }

    @Test
    void readSlot_queriesItsBucketsTogether() {
        DynamoDbStateStore store = store();
        for (int i = 0; i < 8; i++) {
            store.writePartial(partial(i, "10"), Fence.NONE);
        }
        METER.reset();

        List<Partial> partials = store.readSlot(pipeline, MINUTE);

        assertThat(partials).hasSize(8);
        assertThat(METER.calls()).isEqualTo(4);   // one query per window bucket
        assertThat(METER.sequentialRoundTrips()).isBetween(1, 2);
    }

    @Test
    void registerSlots_registersNewSlotsTogether() {
        DynamoDbStateStore store = store();
        List<Slot> slots = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            slots.add(new Slot(m * 60_000L, (m + 1) * 60_000L));
        }
        METER.reset();

        store.registerSlots(pipeline, slots);

        // One registration is two calls in a row (the fired tombstone's read, then the index update): 2, not 20;
        // one more for a pool thread that starts late on a busy machine.
        assertThat(METER.calls()).isEqualTo(20);
        assertThat(METER.sequentialRoundTrips()).isBetween(2, 3);
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).containsExactlyElementsOf(slots);
    }

    @Test
    void aFiringOfTwelveSlots_claimsReadsAndCompletesThem_inOneRoundTripEach() {
        DynamoDbStateStore store = store();
        List<Slot> slots = new ArrayList<>();
        List<PartialWrite> writes = new ArrayList<>();
        for (int m = 0; m < 12; m++) {
            Slot slot = new Slot(m * 60_000L, (m + 1) * 60_000L);
            slots.add(slot);
            writes.add(new PartialWrite(new Partial(new PartialKey(pipeline, slot, "shardId-000000000000", 0),
                    Fence.of("10"), List.of(new StateEntry("k", slot.start(), slot.end(), new byte[] {1}))),
                    Fence.NONE));
        }
        store.registerSlots(pipeline, slots);
        store.writePartials(writes);

        METER.reset();
        List<Slot> claimed = store.claimFirings(pipeline, slots, "firer", 0, 60_000);
        int claimTrips = METER.sequentialRoundTrips();
        METER.reset();
        var partials = store.readSlots(pipeline, claimed);
        int readTrips = METER.sequentialRoundTrips();
        int queries = METER.calls();
        METER.reset();
        store.completeFirings(pipeline, claimed, "firer");
        int completeTrips = METER.sequentialRoundTrips();

        assertThat(claimed).containsExactlyElementsOf(slots);
        assertThat(partials.values()).allSatisfy(p -> assertThat(p).hasSize(1));
        assertThat(queries).isEqualTo(12 * 4);   // every (slot, bucket) query at once
        // One wave each (one more for a pool thread that starts late on a busy machine); one by one it was 12 each.
        assertThat(List.of(claimTrips, readTrips, completeTrips)).allSatisfy(t -> assertThat(t).isBetween(1, 2));
        assertThat(store.pendingSlots(pipeline, Long.MAX_VALUE)).isEmpty();
    }

    private PartialKey key(int i) {
        return new PartialKey(pipeline, MINUTE, "shardId-00000000000" + (i % 2), i);
    }

    private Partial partial(int i, String fence) {
        byte[] acc = ("acc-" + i + "-" + fence).getBytes(StandardCharsets.UTF_8);
        return new Partial(key(i), Fence.of(fence), List.of(new StateEntry("k" + i, 0, 60_000, acc)));
    }
}
